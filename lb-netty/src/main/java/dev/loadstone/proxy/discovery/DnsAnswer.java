package dev.loadstone.proxy.discovery;

import java.time.Duration;
import java.util.List;

/**
 * What one resolution of a {@link DnsTarget} found: the endpoints, and the smallest TTL of the records that
 * named them (when the answer should be asked for again). A failure is a {@link DnsLookupException}, not an
 * answer; an answer may be empty (NOERROR with no records).
 */
record DnsAnswer(List<Endpoint> endpoints, Duration ttl) {
  DnsAnswer {
    endpoints = List.copyOf(endpoints);
  }
}

package dev.loadstone.proxy.discovery;

/** A resolution that failed (SERVFAIL, NXDOMAIN, REFUSED, a timeout): the last known set stays. */
final class DnsLookupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DnsLookupException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}

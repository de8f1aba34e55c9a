package dev.loadstone.proxy.discovery;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the name server for a target's records with Netty's non-blocking {@link DnsNameResolver#query}: the raw
 * response, so the answer's code and every record's TTL are seen (no cache in between; a truncated UDP answer
 * is asked again over TCP by the resolver). An address target asks A and AAAA; an SRV target asks SRV, then A
 * and AAAA of each record's target. Any query that does not answer NOERROR fails the whole lookup, so a
 * partial answer never shrinks the set; NOERROR with no records is an empty answer.
 */
final class DnsLookup {
  private final DnsNameResolver resolver;

  DnsLookup(DnsNameResolver resolver) {
    this.resolver = resolver;
  }

  CompletableFuture<DnsAnswer> lookup(DnsTarget target) {
    if (target.kind() == DnsTarget.Kind.ADDRESS) {
      return addresses(target.name(), target.port(), 0, 1);
    }
    return query(target.name(), DnsRecordType.SRV).thenCompose(srv -> {
      List<CompletableFuture<DnsAnswer>> parts = new ArrayList<>();
      for (Srv s : srv.srvs) {
        parts.add(addresses(s.target, s.port, s.priority, s.weight));
      }
      return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
        Map<String, Endpoint> all = new LinkedHashMap<>();
        long ttl = srv.ttl;
        for (CompletableFuture<DnsAnswer> p : parts) {
          DnsAnswer a = p.join();
          a.endpoints().forEach(e -> all.putIfAbsent(e.address(), e));
          ttl = Math.min(ttl, a.ttl().toSeconds());
        }
        return new DnsAnswer(new ArrayList<>(all.values()), Duration.ofSeconds(ttl == Long.MAX_VALUE ? 0 : ttl));
      });
    });
  }

  private CompletableFuture<DnsAnswer> addresses(String name, int port, int priority, int weight) {
    CompletableFuture<Records> a = query(name, DnsRecordType.A);
    CompletableFuture<Records> aaaa = query(name, DnsRecordType.AAAA);
    return a.thenCombine(aaaa, (v4, v6) -> {
      List<Endpoint> out = new ArrayList<>();
      for (InetAddress ip : v4.ips) {
        out.add(new Endpoint(ip, port, priority, weight));
      }
      for (InetAddress ip : v6.ips) {
        out.add(new Endpoint(ip, port, priority, weight));
      }
      long ttl = Math.min(v4.ttl, v6.ttl);
      return new DnsAnswer(out, Duration.ofSeconds(ttl == Long.MAX_VALUE ? 0 : ttl));
    });
  }

  /** The records of one question, decoded; the response is released before this completes. */
  private CompletableFuture<Records> query(String name, DnsRecordType type) {
    CompletableFuture<Records> f = new CompletableFuture<>();
    resolver.query(new DefaultDnsQuestion(name + ".", type)).addListener(done -> {
      if (!done.isSuccess()) {
        f.completeExceptionally(new DnsLookupException(type.name() + " " + name + ": " + done.cause().getMessage(), done.cause()));
        return;
      }
      @SuppressWarnings("unchecked")
      AddressedEnvelope<DnsResponse, InetSocketAddress> env = (AddressedEnvelope<DnsResponse, InetSocketAddress>) done.getNow();
      try {
        f.complete(decode(name, type, env.content()));
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      } finally {
        env.release();
      }
    });
    return f;
  }

  private static Records decode(String name, DnsRecordType type, DnsResponse r) {
    if (!r.code().equals(DnsResponseCode.NOERROR)) {
      throw new DnsLookupException(type.name() + " " + name + ": " + r.code(), null);
    }
    Records out = new Records();
    for (int i = 0; i < r.count(DnsSection.ANSWER); i++) {
      DnsRecord rec = r.recordAt(DnsSection.ANSWER, i);
      if (!rec.type().equals(type) || !(rec instanceof DnsRawRecord raw)) {
        continue; // CNAMEs on the way to the records
      }
      ByteBuf c = raw.content();
      out.ttl = Math.min(out.ttl, rec.timeToLive());
      if (type.equals(DnsRecordType.SRV)) {
        if (c.readableBytes() < 7) {
          throw new DnsLookupException("SRV " + name + ": a record of " + c.readableBytes() + " bytes (expected: at least 7)", null);
        }
        ByteBuf d = c.duplicate();
        int priority = d.readUnsignedShort();
        int weight = d.readUnsignedShort();
        int port = d.readUnsignedShort();
        String target = DefaultDnsRecordDecoder.decodeName(d);
        target = target.endsWith(".") ? target.substring(0, target.length() - 1) : target;
        if (port == 0 || target.isEmpty()) {
          continue; // "." target: the service is decidedly not available here (RFC 2782)
        }
        out.srvs.add(new Srv(priority, weight, port, target));
      } else {
        byte[] b = new byte[c.readableBytes()];
        c.getBytes(c.readerIndex(), b);
        try {
          out.ips.add(InetAddress.getByAddress(b));
        } catch (UnknownHostException e) {
          throw new DnsLookupException(type.name() + " " + name + ": a record of " + b.length + " bytes (expected: 4 or 16)", e);
        }
      }
    }
    return out;
  }

  private record Srv(int priority, int weight, int port, String target) {}

  private static final class Records {
    final List<InetAddress> ips = new ArrayList<>();
    final List<Srv> srvs = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
  }
}

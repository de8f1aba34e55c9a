package dev.loadstone.proxy.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A steady stream of GETs through the proxy from a few client threads, bounded in count and time: it stops
 * by itself after {@code maxRequests} or {@code maxTime}. Counts answers per backend (origins answer with
 * their id) and records every failure (exception or non-200).
 */
final class LoadLoop implements AutoCloseable {
  final Map<String, LongAdder> byBackend = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  final AtomicInteger sent = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stop;

  LoadLoop(int port, int clients, int maxRequests, Duration maxTime) {
    long end = System.nanoTime() + maxTime.toNanos();
    for (int i = 0; i < clients; i++) {
      Thread t = new Thread(() -> {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
        while (!stop && System.nanoTime() < end && sent.incrementAndGet() <= maxRequests) {
          HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/item"))
              .timeout(Duration.ofSeconds(10)).GET().build();
          try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
              failures.add(r.statusCode() + " " + r.body());
            } else {
              byBackend.computeIfAbsent(r.body(), k -> new LongAdder()).increment();
            }
          } catch (Exception e) {
            failures.add(e.toString());
          }
        }
      }, "load-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  long answered() {
    return byBackend.values().stream().mapToLong(LongAdder::sum).sum();
  }

  long answeredBy(String id) {
    LongAdder a = byBackend.get(id);
    return a == null ? 0 : a.sum();
  }

  /** Stops the loop and waits for the clients to finish their current request. */
  @Override
  public void close() throws InterruptedException {
    stop = true;
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(15));
    }
  }
}

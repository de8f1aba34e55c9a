package dev.loadstone.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.demo.SessionNodes.Client;
import dev.loadstone.demo.SessionNodes.Visit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Clients visiting in a loop on their own threads (one request at a time each) until stopped, every visit
 * recorded. {@link #quiesced} runs an action between visits (no request in flight), e.g. to wait for replication.
 */
final class Traffic implements AutoCloseable {
  private final List<Client> clients;
  private final List<List<Visit>> visits = new ArrayList<>();
  private final ReadWriteLock gate = new ReentrantReadWriteLock();
  private final ExecutorService threads;
  private final List<Future<?>> running = new ArrayList<>();
  private volatile boolean stop;

  Traffic(List<Client> clients) {
    this.clients = clients;
    this.threads = Executors.newFixedThreadPool(clients.size());
    for (Client c : clients) {
      List<Visit> log = new CopyOnWriteArrayList<>();
      visits.add(log);
      running.add(threads.submit(() -> {
        while (!stop) {
          gate.readLock().lock();
          try {
            log.add(c.visit());
          } finally {
            gate.readLock().unlock();
          }
        }
        return null;
      }));
    }
  }

  /** Runs {@code action} while no client has a request in flight. */
  void quiesced(Runnable action) {
    gate.writeLock().lock();
    try {
      action.run();
    } finally {
      gate.writeLock().unlock();
    }
  }

  List<Visit> of(int client) {
    return visits.get(client);
  }

  int size() {
    return clients.size();
  }

  /** Visits by {@code client} recorded so far that match: 2xx when {@code ok}, else anything else. */
  long count(int client, boolean ok) {
    return visits.get(client).stream().filter(v -> v.ok() == ok).count();
  }

  long okSince(int client, int from) {
    List<Visit> log = visits.get(client);
    return log.subList(Math.min(from, log.size()), log.size()).stream().filter(Visit::ok).count();
  }

  @Override
  public void close() throws Exception {
    stop = true;
    for (Future<?> f : running) {
      f.get(30, TimeUnit.SECONDS); // a client's failure (an exception) fails the test here
    }
    threads.shutdownNow();
  }

  /**
   * The invariants of every client's log: each answer is 200 with the counter, or 503 with {@code Retry-After: 5}
   * within {@code bound}; the acknowledged counter values only go up (a value at or below an earlier acknowledged
   * one is a lost write), and start at 1 (one session per client, never replaced by a new one).
   */
  void assertNoAcknowledgedWriteLost(Duration bound) {
    for (int c = 0; c < visits.size(); c++) {
      int last = 0;
      for (Visit v : visits.get(c)) {
        if (v.ok()) {
          assertThat(v.status()).as("client %d: %s", c, v).isEqualTo(200);
          assertThat(v.n()).as("client %d: acknowledged %d before, then %s (a lost write)", c, last, v)
              .isGreaterThan(last);
          if (last == 0) {
            assertThat(v.n()).as("client %d's first visit", c).isEqualTo(1);
          }
          last = v.n();
        } else {
          assertThat(v.status()).as("client %d: %s", c, v).isEqualTo(503);
          assertThat(v.retryAfter()).as("client %d: %s", c, v).isEqualTo("5");
          assertThat(v.took()).as("client %d: %s", c, v).isLessThan(bound);
        }
      }
    }
  }
}

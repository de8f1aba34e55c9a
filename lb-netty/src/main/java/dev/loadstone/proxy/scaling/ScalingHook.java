package dev.loadstone.proxy.scaling;

import dev.loadstone.lb.scaling.Decision;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the proxy calls when the desired count changes: a command (an argv list run with {@link ProcessBuilder},
 * never through a shell; {@code {desired}} and {@code {current}} in an argument are replaced, and the
 * decision is in the environment as {@code LOADSTONE_DESIRED}, {@code LOADSTONE_CURRENT}, {@code LOADSTONE_RULE},
 * {@code LOADSTONE_REASON} and {@code LOADSTONE_SCALE_IN}; its output goes to the proxy's stdout) and/or a webhook (a JSON POST). Calls run one at a
 * time on a thread of their own; a change that comes while one runs is delivered after it, latest only. A
 * command that runs past the hook timeout is killed.
 */
final class ScalingHook implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScalingHook.class);

  private final List<String> command;
  private final URI webhook;
  private final Duration timeout;
  private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "lb-proxy-scaling-hook");
    t.setDaemon(true);
    return t;
  });
  private final AtomicReference<Decision> pending = new AtomicReference<>();
  private final HttpClient http;

  ScalingHook(List<String> command, URI webhook, Duration timeout) {
    this.command = List.copyOf(command);
    this.webhook = webhook;
    this.timeout = timeout;
    this.http = webhook == null ? null : HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  boolean isEmpty() {
    return command.isEmpty() && webhook == null;
  }

  /** Delivers this decision (after any call in progress; a newer one replaces it if it has not started). */
  void changed(Decision d) {
    if (isEmpty()) {
      return;
    }
    if (pending.getAndSet(d) == null) {
      runner.execute(() -> {
        Decision latest = pending.getAndSet(null);
        if (latest != null) {
          call(latest);
        }
      });
    }
  }

  private void call(Decision d) {
    if (!command.isEmpty()) {
      run(d);
    }
    if (webhook != null) {
      post(d);
    }
  }

  /** The argv with {desired} and {current} replaced. */
  List<String> argv(Decision d) {
    List<String> out = new ArrayList<>(command.size());
    for (String a : command) {
      out.add(a.replace("{desired}", Integer.toString(d.desired())).replace("{current}", Integer.toString(d.current())));
    }
    return out;
  }

  private void run(Decision d) {
    ProcessBuilder pb = new ProcessBuilder(argv(d)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = pb.environment();
    env.put("LOADSTONE_DESIRED", Integer.toString(d.desired()));
    env.put("LOADSTONE_CURRENT", Integer.toString(d.current()));
    env.put("LOADSTONE_RULE", d.rule());
    env.put("LOADSTONE_REASON", d.reason());
    env.put("LOADSTONE_SCALE_IN", String.join(",", d.scaleIn()));
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        p.destroyForcibly();
        log.warn("scaling hook {} ran past {} and was killed", argv(d), timeout);
        return;
      }
      if (p.exitValue() == 0) {
        log.info("scaling hook {}: exit 0", argv(d));
      } else {
        log.warn("scaling hook {}: exit {}", argv(d), p.exitValue());
      }
    } catch (IOException e) {
      log.warn("scaling hook {} could not run: {}", argv(d), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void post(Decision d) {
    String body = ScalingService.json(d).toString();
    HttpRequest req = HttpRequest.newBuilder(webhook).timeout(timeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 == 2) {
        log.info("scaling webhook {}: {}", webhook, r.statusCode());
      } else {
        log.warn("scaling webhook {}: {}", webhook, r.statusCode());
      }
    } catch (IOException e) {
      log.warn("scaling webhook {} failed: {}", webhook, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    runner.shutdownNow();
  }
}

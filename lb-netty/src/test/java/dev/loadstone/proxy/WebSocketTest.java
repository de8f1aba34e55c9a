package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WebSocket upgrades are forwarded and, after the backend's 101, tunnelled byte for byte. */
class WebSocketTest {
  private TestOrigin origin;
  private ProxyServer proxy;
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  @BeforeEach
  void start() {
    origin = TestOrigin.start("ws1");
    proxy = start(ProxyConfig.builder());
  }

  private ProxyServer start(ProxyConfigBuilder b) {
    return ProxyServer.builder(b.listen("127.0.0.1:0").addBackend(origin.address() + ",id=ws1").build())
        .eventLoopThreads(1)
        .listener(new ExchangeListener() {
          @Override
          public void exchangeCompleted(dev.loadstone.lb.Backend b, int status, long nanos, long in, long out) {
            if (status == 101) {
              completed.incrementAndGet();
            }
          }

          @Override
          public void clientConnectionOpened(java.net.SocketAddress client) {
            opened.incrementAndGet();
          }

          @Override
          public void clientConnectionClosed(java.net.SocketAddress client) {
            closed.incrementAndGet();
          }
        })
        .start();
  }

  private WebSocket connect(ProxyServer p, CompletableFuture<Void> closedByServer) throws Exception {
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .buildAsync(
            URI.create("ws://127.0.0.1:" + p.localAddress().getPort() + "/ws"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                closedByServer.complete(null);
                return null;
              }

              @Override
              public void onError(WebSocket w, Throwable error) {
                closedByServer.complete(null);
              }
            })
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aClosedWebSocketCountsItsClientConnectionAsClosed() throws Exception {
    // Issue 9 defect 9: the tunnel replaced the handler that reported closes, so connections_active only grew.
    CompletableFuture<Void> done = new CompletableFuture<>();
    WebSocket ws = connect(proxy, done);
    assertThat(opened.get()).isEqualTo(1);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    done.get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() == 1);
    assertThat(completed.get()).isEqualTo(1);
  }

  @Test
  void anIdleTunnelIsClosedAfterTheTunnelIdleTimeoutNotTheClientIdleTimeout() throws Exception {
    ProxyServer p = start(ProxyConfig.builder().idleTimeout(Duration.ofMinutes(5)).tunnelIdleTimeout(Duration.ofMillis(300)));
    try {
      CompletableFuture<Void> done = new CompletableFuture<>();
      connect(p, done);
      done.get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> p.pool().snapshot().get("ws1").inFlight() == 0);
    } finally {
      p.close();
    }
  }

  @AfterEach
  void stop() {
    proxy.close();
    origin.close();
  }

  @Test
  void messagesAreEchoedThroughTheProxyAndTheLeaseIsReleasedOnClose() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    StringBuilder partial = new StringBuilder();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + proxy.localAddress().getPort() + "/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      received.add(partial.toString());
                      partial.setLength(0);
                    }
                    w.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                    closed.complete(null);
                    return null;
                  }
                })
            .get(5, TimeUnit.SECONDS);
    ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
    ws.sendText("x".repeat(50_000), true).get(5, TimeUnit.SECONDS);
    ws.sendText("bye", true).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
    assertThat(received.get(0)).isEqualTo("ws1:hello");
    assertThat(received.get(1).length()).isEqualTo(4 + 50_000);
    assertThat(received.get(1).equals("ws1:" + "x".repeat(50_000))).as("the long message came back intact").isTrue();
    assertThat(received.get(2)).isEqualTo("ws1:bye");
    assertThat(proxy.pool().snapshot().get("ws1").inFlight()).isEqualTo(1);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    closed.get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> completed.get() == 1);
    assertThat(proxy.pool().snapshot().get("ws1").inFlight()).isZero();
  }
}

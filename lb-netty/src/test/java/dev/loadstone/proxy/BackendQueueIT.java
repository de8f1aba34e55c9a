package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** backend-max-connections with its queue (HAProxy maxconn, maxqueue, timeout queue). */
class BackendQueueIT {
  private final AtomicInteger queued = new AtomicInteger();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestOrigin o1;
  private TestOrigin o2;
  private ProxyServer proxy;
  private dev.loadstone.proxy.admin.ProxyMetrics metrics;

  private void start(ProxyConfigBuilder b, boolean twoBackends) {
    o1 = TestOrigin.start("o1");
    b.listen("127.0.0.1:0").addBackend(o1.address());
    if (twoBackends) {
      o2 = TestOrigin.start("o2");
      b.addBackend(o2.address());
    }
    ProxyConfig cfg = b.build();
    dev.loadstone.lb.BackendPool pool = ProxyServer.newPool(cfg);
    metrics = dev.loadstone.proxy.admin.ProxyMetrics.create(pool); // what /metrics scrapes
    proxy = ProxyServer.builder(cfg).pool(pool).eventLoopThreads(2).listener(new ExchangeListener() {
      @Override
      public void queued() {
        queued.incrementAndGet();
        metrics.queued();
      }
    }).start();
    metrics.queueSize(proxy::queuedRequests); // as Main wires it
  }

  @AfterEach
  void stop() {
    metrics.close();
    proxy.close();
    o1.close();
    if (o2 != null) {
      o2.close();
    }
  }

  private CompletableFuture<HttpResponse<String>> get(String path) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.localAddress().getPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRequestAboveTheLimitWaitsAndIsServedWhenTheBackendFreesASlot() throws Exception {
    start(ProxyConfig.builder().backendMaxConnections(1), false);
    CompletableFuture<HttpResponse<String>> first = get("/slow?ms=500");
    await().atMost(Duration.ofSeconds(5)).until(() -> o1.inFlight.get() == 1);
    CompletableFuture<HttpResponse<String>> second = get("/slow?ms=10");
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.queuedRequests() == 1);
    assertThat(o1.inFlight.get()).as("the backend never sees more than its limit").isEqualTo(1);
    assertThat(metrics.scrape()).contains("\nloadstone_proxy_queue_size 1.0\n");
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(second.get().statusCode()).isEqualTo(200);
    assertThat(queued.get()).isEqualTo(1);
    assertThat(proxy.queuedRequests()).isZero();
    assertThat(metrics.scrape()).contains("\nloadstone_proxy_queue_size 0.0\n", "\nloadstone_proxy_queued_total 1.0\n");
    assertThat(o1.seen).extracting(TestOrigin.Seen::uri).containsExactly("/slow?ms=500", "/slow?ms=10");
  }

  @Test
  void theLimitSendsTheNextRequestToABackendWithRoomInsteadOfQueueing() throws Exception {
    start(ProxyConfig.builder().backendMaxConnections(1), true);
    CompletableFuture<HttpResponse<String>> a = get("/slow?ms=400");
    CompletableFuture<HttpResponse<String>> b = get("/slow?ms=400");
    assertThat(a.get().statusCode()).isEqualTo(200);
    assertThat(b.get().statusCode()).isEqualTo(200);
    assertThat(java.util.Set.of(a.get().body(), b.get().body())).containsExactlyInAnyOrder("o1", "o2");
    assertThat(queued.get()).isZero();
  }

  @Test
  void aRequestThatWaitsLongerThanTheQueueTimeoutGets503() throws Exception {
    start(ProxyConfig.builder().backendMaxConnections(1).queueTimeout(Duration.ofMillis(300)), false);
    CompletableFuture<HttpResponse<String>> first = get("/slow?ms=3000");
    await().atMost(Duration.ofSeconds(5)).until(() -> o1.inFlight.get() == 1);
    HttpResponse<String> second = get("/").get();
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.body()).contains("no backend below backend-max-connections 1 within queue-timeout 300ms");
    assertThat(second.headers().firstValue("Retry-After")).isPresent();
    assertThat(proxy.queuedRequests()).isZero();
    assertThat(first.get().statusCode()).isEqualTo(200);
  }

  @Test
  void aFullQueueAnswers503AtOnce() throws Exception {
    start(ProxyConfig.builder().backendMaxConnections(1).maxQueue(0), false);
    CompletableFuture<HttpResponse<String>> first = get("/slow?ms=1000");
    await().atMost(Duration.ofSeconds(5)).until(() -> o1.inFlight.get() == 1);
    HttpResponse<String> second = get("/").get();
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.body()).contains("the backend queue is full (max-queue 0)");
    assertThat(first.get().statusCode()).isEqualTo(200);
  }

  @Test
  void aClientThatLeavesTheQueueFreesItsPlaceAndTheNextOneIsServed() throws Exception {
    start(ProxyConfig.builder().backendMaxConnections(1), false);
    CompletableFuture<HttpResponse<String>> first = get("/slow?ms=600");
    await().atMost(Duration.ofSeconds(5)).until(() -> o1.inFlight.get() == 1);
    try (RawClient leaver = new RawClient(proxy.localAddress())) {
      leaver.send("GET /left HTTP/1.1\r\nHost: x\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.queuedRequests() == 1);
    } // closed while queued
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.queuedRequests() == 0);
    CompletableFuture<HttpResponse<String>> third = get("/third");
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(third.get().statusCode()).isEqualTo(200);
    assertThat(o1.seen).extracting(TestOrigin.Seen::uri).containsExactly("/slow?ms=600", "/third");
  }
}

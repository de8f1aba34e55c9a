package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.proxy.accesslog.AccessLog;
import dev.loadstone.proxy.accesslog.AccessLogFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The request id: generated, or kept from a trusted proxy when valid; forwarded; in the log; in responses on request. */
class RequestIdTest {
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  private final LinkedBlockingQueue<String> logged = new LinkedBlockingQueue<>();
  private TestOrigin origin;
  private ProxyServer proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  private void start(ProxyConfigBuilder b) {
    origin = TestOrigin.start("a");
    AccessLog log = AccessLog.builder(batch -> batch.toString().lines().forEach(logged::add))
        .format(AccessLogFormat.parse("%{request_id}")).build();
    proxy = ProxyServer.builder(b.listen("127.0.0.1:0").addBackend(origin.address() + ",id=a").build())
        .eventLoopThreads(1).accessLog(log).start();
  }

  /** Sends {@code extraHeaders}; returns the id the backend got, after checking the log says the same. */
  private String forwarded(RawClient c, String extraHeaders) throws Exception {
    int before = origin.seen.size();
    RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: h\r\n" + extraHeaders + "\r\n").read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(origin.seen).hasSize(before + 1);
    TestOrigin.Seen seen = origin.seen.stream().skip(before).findFirst().orElseThrow();
    List<String> ids = seen.headers().getAll("x-request-id");
    assertThat(ids).hasSize(1);
    assertThat(logged.poll(10, TimeUnit.SECONDS)).isEqualTo(ids.get(0));
    lastResponse = r;
    return ids.get(0);
  }

  private RawClient.Response lastResponse;

  @Test
  void eachRequestGetsANewRandomIdThatTheBackendSeesAndTheLogShows() throws Exception {
    start(ProxyConfig.builder());
    Set<String> ids = new HashSet<>();
    try (RawClient c = new RawClient(proxy.localAddress())) {
      for (int i = 0; i < 20; i++) {
        String id = forwarded(c, "");
        assertThat(id).matches(UUID);
        ids.add(id);
      }
    }
    assertThat(ids).hasSize(20);
    assertThat(lastResponse.header("x-request-id")).as("not in responses by default").isNull();
  }

  @Test
  void aTrustedProxysValidIdIsKept() throws Exception {
    start(ProxyConfig.builder().trustedProxies(List.of("127.0.0.1/32")));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(forwarded(c, "X-Request-Id: edge-42:abc/DEF=\r\n")).isEqualTo("edge-42:abc/DEF=");
      String max = "r".repeat(RequestIds.MAX_LENGTH);
      assertThat(forwarded(c, "X-Request-Id: " + max + "\r\n")).isEqualTo(max);
    }
  }

  @Test
  void anInvalidIdIsReplacedEvenFromATrustedProxy() throws Exception {
    start(ProxyConfig.builder().trustedProxies(List.of("127.0.0.1/32")));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(forwarded(c, "X-Request-Id: " + "r".repeat(RequestIds.MAX_LENGTH + 1) + "\r\n")).matches(UUID);
      assertThat(forwarded(c, "X-Request-Id: two words\r\n")).matches(UUID);
      assertThat(forwarded(c, "X-Request-Id: caf\u00e9\r\n")).matches(UUID);
      assertThat(forwarded(c, "X-Request-Id:\r\n")).matches(UUID);
      assertThat(forwarded(c, "X-Request-Id: a\r\nX-Request-Id: b\r\n")).as("two values").matches(UUID);
    }
  }

  @Test
  void anUntrustedClientsIdIsReplaced() throws Exception {
    start(ProxyConfig.builder());
    try (RawClient c = new RawClient(proxy.localAddress())) {
      assertThat(forwarded(c, "X-Request-Id: spoofed\r\n")).matches(UUID);
    }
  }

  @Test
  void theResponseCarriesTheIdWhenAskedIncludingTheProxysOwnErrors() throws Exception {
    start(ProxyConfig.builder().requestIdResponse(true).trustedProxies(List.of("127.0.0.1/32")));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      String id = forwarded(c, "");
      assertThat(lastResponse.header("x-request-id")).isEqualTo(id);
      proxy.pool().setHealth("a", dev.loadstone.lb.Health.DOWN);
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: h\r\nX-Request-Id: mine\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("x-request-id")).isEqualTo("mine");
    }
  }

  @Test
  void aConfiguredHeaderNameIsUsedAndNoneTurnsIdsOff() throws Exception {
    start(ProxyConfig.builder().requestIdHeader("X-Correlation-Id").requestIdResponse(true));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read();
      assertThat(r.header("x-correlation-id")).matches(UUID);
      assertThat(origin.seen.peek().headers().get("x-correlation-id")).isEqualTo(r.header("x-correlation-id"));
      assertThat(origin.seen.peek().headers().get("x-request-id")).isNull();
    }
    proxy.close();
    origin.close();
    logged.clear();
    start(ProxyConfig.builder().requestIdHeader("none").trustedProxies(List.of("127.0.0.1/32")));
    try (RawClient c = new RawClient(proxy.localAddress())) {
      RawClient.Response r = c.send("GET / HTTP/1.1\r\nHost: h\r\nX-Request-Id: passes-as-any-header\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(origin.seen.peek().headers().get("x-request-id")).isEqualTo("passes-as-any-header");
      assertThat(logged.poll(10, TimeUnit.SECONDS)).isEqualTo("-");
    }
  }

  @Test
  void aBadHeaderNameIsAConfigErrorNamingIt() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProxyConfig.builder().requestIdHeader("X Id"))
        .hasMessage("request-id-header: 'X Id' (expected: a header name such as X-Debug)");
  }
}

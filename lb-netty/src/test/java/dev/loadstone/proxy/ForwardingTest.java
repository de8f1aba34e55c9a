package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwardingTest {
  private final List<TestOrigin> origins = new ArrayList<>();
  private ProxyServer proxy;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    for (String id : List.of("a", "b", "c")) {
      origins.add(TestOrigin.start(id));
    }
    ProxyConfig.Builder b = ProxyConfig.builder().listen("127.0.0.1:0");
    for (TestOrigin o : origins) {
      b.addBackend(o.address() + ",id=" + o.id);
    }
    proxy = ProxyServer.builder(b.build()).eventLoopThreads(1).start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    origins.forEach(TestOrigin::close);
  }

  private URI uri(String path) {
    InetSocketAddress a = proxy.localAddress();
    return URI.create("http://127.0.0.1:" + a.getPort() + path);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void roundRobinSendsRequestsToEachBackendInTurn() throws Exception {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      seen.add(r.body());
    }
    assertThat(seen).containsExactly("a", "b", "c", "a", "b", "c");
  }

  @Test
  void backendConnectionsAreReusedAcrossRequests() throws Exception {
    for (int i = 0; i < 9; i++) {
      assertThat(get("/").statusCode()).isEqualTo(200);
    }
    for (TestOrigin o : origins) {
      assertThat(o.requests.get()).isEqualTo(3);
      assertThat(o.connections.get()).as("connections to " + o.id).isEqualTo(1);
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawClient c = new RawClient(proxy.localAddress())) {
      c.send("GET /slow?ms=200 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.read().body()).isEqualTo("a");
      assertThat(c.read().body()).isEqualTo("b");
      assertThat(c.read().body()).isEqualTo("c-a-b");
    }
  }
}

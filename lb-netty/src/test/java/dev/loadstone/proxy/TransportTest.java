package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code transport}: each one forwards the same exchanges; auto prefers io_uring; a name that is none is refused. */
class TransportTest {
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

  private void start(String transport) {
    origin = TestOrigin.start("a");
    // By name, so the backend connections go through the transport's resolver group.
    proxy = ProxyServer.builder(ProxyConfig.builder().listen("127.0.0.1:0").transport(transport)
        .addBackend("localhost:" + origin.port() + ",id=a").build()).eventLoopThreads(2).start();
  }

  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void everyTransportForwardsRequestsWithAndWithoutBodiesOnOneConnection(String transport) throws Exception {
    start(transport);
    assertThat(proxy.transportName()).isEqualTo(transport);
    try (RawClient c = new RawClient(proxy.localAddress())) {
      for (int i = 0; i < 3; i++) {
        RawClient.Response get = c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read();
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("a");
        RawClient.Response post = c.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello").read();
        assertThat(post.body()).isEqualTo("a:5");
        RawClient.Response download = c.send("GET /download?bytes=200000 HTTP/1.1\r\nHost: h\r\n\r\n").read();
        assertThat(download.body()).hasSize(200000);
      }
    }
    assertThat(origin.connections.get()).as("the backend connection was reused").isEqualTo(1);
  }

  @Test
  void autoIsIoUringWhereItLoadsElseEpollElseNio() {
    start("auto");
    assertThat(proxy.transportName()).isEqualTo(IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio");
  }

  @Test
  void aTransportThatIsNoneOfTheFourIsRefusedByName() {
    assertThatThrownBy(() -> ProxyConfig.builder().transport("kqueue"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("transport: 'kqueue' is not one of auto, epoll, io_uring, nio");
  }
}

package dev.loadstone.proxy;

import dev.loadstone.proxy.h2.Http2Settings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/** Origins on loopback and a proxy with h2c prior knowledge in front of them; closing checks that every lease came back. */
final class Http2Fixture implements AutoCloseable {
  final List<TestOrigin> origins = new ArrayList<>();
  final ProxyServer proxy;

  /** {@code h2} adds to an h2c-on HTTP/2 settings builder, {@code config} to the proxy config. */
  Http2Fixture(int backends, Consumer<Http2Settings.Builder> h2, Consumer<ProxyConfigBuilder> config) {
    this(backends, h2, config, server -> {});
  }

  Http2Fixture(int backends, Consumer<Http2Settings.Builder> h2, Consumer<ProxyConfigBuilder> config,
      Consumer<ProxyServerBuilder> server) {
    ProxyConfigBuilder b = ProxyConfig.builder().listen("127.0.0.1:0");
    for (int i = 0; i < backends; i++) {
      TestOrigin o = TestOrigin.start(String.valueOf((char) ('a' + i)));
      origins.add(o);
      b.addBackend(o.address() + ",id=" + o.id);
    }
    Http2Settings.Builder s = Http2Settings.builder().cleartext(true);
    h2.accept(s);
    config.accept(b.http2(s.build()));
    ProxyServerBuilder sb = ProxyServer.builder(b.build()).eventLoopThreads(1);
    server.accept(sb);
    proxy = sb.start();
  }

  Http2Fixture(int backends) {
    this(backends, s -> {}, c -> {});
  }

  InetSocketAddress address() {
    return proxy.localAddress();
  }

  H2Client client() {
    return new H2Client(address());
  }

  /** Every attempt, finished, failed or reset, gave its lease back. */
  void awaitNoLeases() {
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> proxy.pool().snapshot().all().stream().allMatch(b -> b.inFlight() == 0));
  }

  @Override
  public void close() {
    try {
      awaitNoLeases();
    } finally {
      proxy.close();
      origins.forEach(TestOrigin::close);
    }
  }
}

package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy tier scales out and restarts without moving sticky clients: proxies in their own JVMs, started with the
 * same {@code --sticky-key-file}, route each other's cookies to the same backends (cookies name backend ids, so
 * the order of the backend flags does not matter); a proxy with another key does not honour them.
 */
class StickyProxyRestartIT {
  private static final Pattern COOKIE = Pattern.compile("LB=([^;]+); Path=/; Max-Age=86400; HttpOnly; SameSite=Lax");
  private final Map<String, TestOrigin> origins = new LinkedHashMap<>();
  private final List<ChildProxy> proxies = new ArrayList<>();
  private Path dir;

  @BeforeEach
  void startOrigins() throws Exception {
    for (String id : List.of("a", "b", "c")) {
      origins.put(id, TestOrigin.start(id));
    }
    dir = Files.createDirectories(Path.of("target", "it-logs", "sticky-restart-" + System.nanoTime()));
  }

  @AfterEach
  void stop() throws Exception {
    for (ChildProxy p : proxies) {
      p.close();
    }
    origins.values().forEach(TestOrigin::close);
  }

  private Path keyFile(String name) throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Path file = dir.resolve(name);
    Files.writeString(file, "k1 " + Base64.getEncoder().encodeToString(secret) + "\n");
    return file;
  }

  private ChildProxy proxy(Path keys, List<String> order, String name) throws Exception {
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
        "--sticky-cookie", "LB", "--sticky-key-file", keys.toString()));
    for (String id : order) {
      args.addAll(List.of("--backend", origins.get(id).address() + ",id=" + id));
    }
    ChildProxy p = ChildProxy.fromClasspath(List.of("-Xmx64m"), args, dir.resolve(name + ".log"));
    proxies.add(p);
    return p;
  }

  private static RawClient.Response get(InetSocketAddress proxy, String cookie) throws Exception {
    try (RawClient c = new RawClient(proxy)) {
      return c.send("GET / HTTP/1.1\r\nHost: x\r\n" + (cookie == null ? "" : "Cookie: LB=" + cookie + "\r\n") + "\r\n")
          .read();
    }
  }

  /** Nine new clients on {@code proxy}: their cookies and the backend each was given (round robin: all three). */
  private static Map<String, String> newClients(ChildProxy proxy) throws Exception {
    Map<String, String> homes = new HashMap<>();
    for (int i = 0; i < 9; i++) {
      RawClient.Response r = get(proxy.address(), null);
      Matcher m = COOKIE.matcher(String.valueOf(r.header("set-cookie")));
      assertThat(m.matches()).as(r.header("set-cookie")).isTrue();
      homes.put(m.group(1), r.body());
    }
    assertThat(homes.values()).containsOnly("a", "b", "c").contains("a", "b", "c");
    return homes;
  }

  private static void assertRoutedHome(ChildProxy proxy, Map<String, String> homes) throws Exception {
    for (Map.Entry<String, String> e : homes.entrySet()) {
      for (int i = 0; i < 3; i++) {
        RawClient.Response r = get(proxy.address(), e.getKey());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).as("cookie %s", e.getKey()).isEqualTo(e.getValue());
        assertThat(r.header("set-cookie")).as("an honoured cookie is not re-issued").isNull();
      }
    }
  }

  @Test
  void proxiesWithTheSameStickyKeyFileRouteEachOthersCookiesToTheSameBackendsAcrossARestart() throws Exception {
    Path keys = keyFile("keys");
    ChildProxy first = proxy(keys, List.of("a", "b", "c"), "first");
    Map<String, String> fromFirst = newClients(first);
    ChildProxy second = proxy(keys, List.of("c", "a", "b"), "second"); // scaled out, backends listed in another order
    Map<String, String> fromSecond = newClients(second);
    assertRoutedHome(second, fromFirst);
    assertRoutedHome(first, fromSecond);

    assertThat(first.stop()).as("graceful shutdown").isZero();
    ChildProxy restarted = proxy(keys, List.of("b", "c", "a"), "restarted");
    assertRoutedHome(restarted, fromFirst);
    assertRoutedHome(restarted, fromSecond);
    assertRoutedHome(second, fromFirst);
  }

  @Test
  void aProxyWithAnotherStickyKeyIgnoresTheCookiesAndIssuesItsOwn() throws Exception {
    ChildProxy first = proxy(keyFile("keys"), List.of("a", "b", "c"), "first");
    Map<String, String> homes = newClients(first);
    ChildProxy other = proxy(keyFile("other-keys"), List.of("a", "b", "c"), "other");
    for (String cookie : homes.keySet()) {
      RawClient.Response r = get(other.address(), cookie);
      assertThat(r.status()).isEqualTo(200);
      Matcher m = COOKIE.matcher(String.valueOf(r.header("set-cookie")));
      assertThat(m.matches()).as("a cookie it cannot verify is replaced: %s", r.header("set-cookie")).isTrue();
      assertThat(m.group(1)).isNotEqualTo(cookie);
    }
  }
}

package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request path's own settings: defaults and the errors for bad values. */
class RequestPathSettingsTest {
  private static ProxyConfigBuilder base() {
    return ProxyConfig.builder().addBackend("127.0.0.1:9001");
  }

  @Test
  void defaultsDropTrailersStripNothingExtraAndCloseIdleTunnelsAfterAnHour() {
    ProxyConfig c = base().build();
    assertThat(c.forwardedTrailers()).isEmpty();
    assertThat(c.stripRequestHeaders()).isEmpty();
    assertThat(c.tunnelIdleTimeout()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aTrailerThatFramesRoutesOrForwardsCanNeverBeAllowed() {
    for (String name : List.of("Content-Length", "transfer-encoding", "Host", "X-Forwarded-For", "x_forwarded_host", "Forwarded", "Authorization")) {
      assertThatThrownBy(() -> base().forwardedTrailers(List.of(name)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("forward-trailers: '" + name.toLowerCase(java.util.Locale.ROOT) + "' (expected: a header allowed in trailers;"
              + " framing, routing, forwarding, authentication, request-modifier and content headers are not, RFC 9110 section 6.5.1)");
    }
  }

  @Test
  void headerNamesMustBeTokens() {
    assertThatThrownBy(() -> base().forwardedTrailers(List.of("X Checksum")))
        .hasMessage("forward-trailers: 'X Checksum' (expected: a header name such as X-Debug)");
    assertThatThrownBy(() -> base().stripRequestHeaders(List.of("X-User:")))
        .hasMessage("strip-headers: 'X-User:' (expected: a header name such as X-Debug)");
  }

  @Test
  void theTunnelIdleTimeoutMustBePositive() {
    assertThatThrownBy(() -> base().tunnelIdleTimeout(Duration.ZERO)).hasMessage("tunnel-idle-timeout: 0s (expected: > 0)");
  }

  @Test
  void theRequestBodyDeadlineHasDefaultsAndRefusesNonsense() {
    ProxyConfig c = base().build();
    assertThat(c.requestBodyTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.requestBodyMinRate()).isEqualTo(500);
    assertThatThrownBy(() -> base().requestBodyTimeout(Duration.ZERO)).hasMessage("request-body-timeout: 0s (expected: > 0)");
    assertThatThrownBy(() -> base().requestBodyMinRate(-1))
        .hasMessage("request-body-min-rate: -1 (expected: >= 0 bytes per second, 0 = a fixed total time)");
  }
}

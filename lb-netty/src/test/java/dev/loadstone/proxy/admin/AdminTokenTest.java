package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
  @TempDir Path dir;

  @Test
  void aTokenFileIsReadWithoutItsTrailingNewline() throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, "  0123456789abcdef-token\n");
    AdminToken t = AdminToken.fromFile(f);
    assertThat(t.matches("Bearer 0123456789abcdef-token")).isTrue();
    assertThat(t.matches("bearer 0123456789abcdef-token")).as("the scheme is case-insensitive").isTrue();
  }

  @Test
  void onlyTheExactTokenAsABearerCredentialMatches() {
    AdminToken t = AdminToken.of("0123456789abcdef-token");
    assertThat(t.matches(null)).isFalse();
    assertThat(t.matches("")).isFalse();
    assertThat(t.matches("0123456789abcdef-token")).as("no scheme").isFalse();
    assertThat(t.matches("Basic 0123456789abcdef-token")).isFalse();
    assertThat(t.matches("Bearer 0123456789abcdef-toke")).isFalse();
    assertThat(t.matches("Bearer 0123456789abcdef-tokenX")).isFalse();
    assertThat(t.toString()).doesNotContain("0123");
  }

  @Test
  void httpBasicMatchesWithTheTokenAsPasswordAndAnyUser() {
    AdminToken t = AdminToken.of("0123456789abcdef-token");
    java.util.function.Function<String, String> basic = userPass ->
        "Basic " + java.util.Base64.getEncoder().encodeToString(userPass.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(t.matches(basic.apply("admin:0123456789abcdef-token"))).isTrue();
    assertThat(t.matches(basic.apply(":0123456789abcdef-token"))).isTrue();
    assertThat(t.matches(basic.apply("0123456789abcdef-token"))).as("as the user, not the password").isFalse();
    assertThat(t.matches(basic.apply("admin:0123456789abcdef-toke"))).isFalse();
    assertThat(t.matches("Basic !!!")).as("not base64").isFalse();
  }

  @Test
  void weakOrMissingTokensAreRejectedNamingWhatWasExpected() {
    assertThatThrownBy(() -> AdminToken.of("short"))
        .hasMessage("admin token: 5 characters (expected: at least 16 printable ASCII characters without spaces)");
    assertThatThrownBy(() -> AdminToken.of("has spaces in the middle ok"))
        .hasMessageStartingWith("admin token: 27 characters");
    assertThatThrownBy(() -> AdminToken.fromFile(dir.resolve("missing")))
        .hasMessageStartingWith("admin token file: '" + dir.resolve("missing") + "' (expected: a readable file)");
  }
}

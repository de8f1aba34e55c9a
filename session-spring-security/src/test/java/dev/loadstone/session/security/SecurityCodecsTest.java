package dev.loadstone.session.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadstone.session.JavaSerializationCodec;
import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.SessionCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.authentication.session.SessionAuthenticationException;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.security.web.savedrequest.DefaultSavedRequest;
import org.springframework.security.web.savedrequest.SavedCookie;
import tools.jackson.databind.json.JsonMapper;

/** Every value Spring Security keeps in a session, through each preset: it comes back equal, as its own type. */
class SecurityCodecsTest {
  /** The application's own type, registered beside Security's: bound by the application mapper, no allowlist. */
  public static final class Cart {
    public String owner;
    public List<String> items;

    @Override
    public boolean equals(Object o) {
      return o instanceof Cart c && c.owner.equals(owner) && c.items.equals(items);
    }

    @Override
    public int hashCode() {
      return owner.hashCode();
    }
  }

  static Stream<SessionCodec> codecs() {
    return Stream.of(
        JsonSessionCodec.builder().apply(SecurityCodecs.jackson2(new ObjectMapper())).register("cart", Cart.class).build(),
        JsonSessionCodec.builder().apply(SecurityCodecs.jackson3(JsonMapper.builder().build())).register("cart", Cart.class)
            .build(),
        JavaSerializationCodec.builder().apply(SecurityCodecs.javaSerialization()).build());
  }

  static SecurityContextImpl loggedIn() {
    User user = new User("alice", "", AuthorityUtils.createAuthorityList("ROLE_USER", "ROLE_ADMIN"));
    UsernamePasswordAuthenticationToken token =
        UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
    token.setDetails(new WebAuthenticationDetails("127.0.0.1", "pre-login-id"));
    return new SecurityContextImpl(token);
  }

  static DefaultSavedRequest savedRequest() {
    return new DefaultSavedRequest.Builder()
        .setMethod("GET").setScheme("http").setServerName("127.0.0.1").setServerPort(8080)
        .setRequestURI("/counter").setRequestURL("http://127.0.0.1:8080/counter").setQueryString("a=1")
        .setContextPath("").setServletPath("/counter")
        .setHeaders(Map.of("accept", List.of("text/html"), "user-agent", List.of("test")))
        .setCookies(List.of(new SavedCookie(new jakarta.servlet.http.Cookie("theme", "dark"))))
        .setLocales(List.of(Locale.US))
        .setParameters(Map.of("a", new String[] {"1"}))
        .build();
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void theSecurityContextComesBackWithItsUserAuthoritiesAndDetails(SessionCodec codec) {
    SecurityContextImpl back = (SecurityContextImpl) codec.decode(codec.encode(loggedIn()));
    assertThat(back).isEqualTo(loggedIn());
    assertThat(back.getAuthentication().getPrincipal()).isInstanceOf(User.class);
    assertThat(back.getAuthentication().getDetails()).isEqualTo(loggedIn().getAuthentication().getDetails());
    assertThat(back.getAuthentication().isAuthenticated()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void theCsrfTokenSavedRequestAndLoginFailuresComeBack(SessionCodec codec) {
    DefaultCsrfToken csrf = new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", "t0k3n");
    DefaultCsrfToken csrfBack = (DefaultCsrfToken) codec.decode(codec.encode(csrf));
    assertThat(csrfBack.getToken()).isEqualTo("t0k3n");
    assertThat(csrfBack.getParameterName()).isEqualTo("_csrf");

    DefaultSavedRequest saved = (DefaultSavedRequest) codec.decode(codec.encode(savedRequest()));
    assertThat(saved.getRedirectUrl()).isEqualTo(savedRequest().getRedirectUrl());
    assertThat(saved.getHeaderValues("accept")).containsExactly("text/html");
    assertThat(saved.getCookies()).extracting(c -> c.getName() + "=" + c.getValue()).containsExactly("theme=dark");

    for (RuntimeException failure : List.of(new BadCredentialsException("Bad credentials"), new LockedException("locked"),
        new SessionAuthenticationException("Maximum sessions of 1 for this principal exceeded"))) {
      Object back = codec.decode(codec.encode(failure));
      assertThat(back).isInstanceOf(failure.getClass());
      assertThat(((RuntimeException) back).getMessage()).isEqualTo(failure.getMessage());
    }
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void plainValuesKeepTheirJavaTypesBesideSecurityValues(SessionCodec codec) {
    assertThat(codec.decode(codec.encode(5L))).isInstanceOf(Long.class).isEqualTo(5L);
    assertThat(codec.decode(codec.encode(List.of(1L, "x")))).isEqualTo(List.of(1L, "x"));
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void encodingADecodedValueGivesTheSameBytesSoAReadOnlyRequestWritesNothing(SessionCodec codec) {
    for (Object value : List.of(loggedIn(), savedRequest(), new DefaultCsrfToken("h", "p", "v"))) {
      byte[] stored = codec.encode(value);
      assertThat(codec.encode(codec.decode(stored))).isEqualTo(stored);
    }
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void aLoginFailureIsStoredByItsMessageWithoutAStackTrace(SessionCodec codec) {
    if (codec instanceof JsonSessionCodec) {
      String json = new String(codec.encode(new LockedException("locked")), StandardCharsets.UTF_8);
      assertThat(json).doesNotContain("stackTrace").contains("\"message\":\"locked\"");
      assertThat(json.length()).isLessThan(200);
    }
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void theApplicationsOwnTypesAreBoundByItsMapperBesideSecurityTypes(SessionCodec codec) {
    if (codec instanceof JsonSessionCodec) {
      Cart cart = new Cart();
      cart.owner = "alice";
      cart.items = List.of("apple");
      assertThat(codec.decode(codec.encode(Map.of("cart", cart, "context", loggedIn()))))
          .isEqualTo(Map.of("cart", cart, "context", loggedIn()));
    }
  }
}

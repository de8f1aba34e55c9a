package dev.loadstone.session.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.IndexedSessionStore;
import dev.loadstone.session.InMemorySessionStore;
import dev.loadstone.session.JsonSessionCodec;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.User;

/** The registry over the principal index, outside a request (the IT drives it through Spring Security). */
class IndexedSessionRegistryTest {
  private final IndexedSessionStore store = InMemorySessionStore.builder()
      .sessions(SessionFactory.builder()
          .codec(JsonSessionCodec.builder().apply(SecurityCodecs.jackson2(new ObjectMapper())).build())
          .principalResolver(SecurityPrincipals.resolver())
          .meterRegistry(new SimpleMeterRegistry())
          .build())
      .build();
  private final BlockingSessionStore sessions = BlockingSessionStore.of(store);
  private final SessionRegistry registry = SecuritySessions.registry(store);

  @AfterEach
  void close() {
    store.close();
  }

  private String loggedInSession() {
    Session s = sessions.create();
    s.setAttribute(SecurityPrincipals.SECURITY_CONTEXT_ATTRIBUTE, SecurityCodecsTest.loggedIn());
    return sessions.save(s);
  }

  @Test
  void aUsersSessionsAreFoundByTheirPrincipalObjectOrName() {
    String first = loggedInSession();
    String second = loggedInSession();
    Session anonymous = sessions.create();
    anonymous.setAttribute(SecurityPrincipals.SECURITY_CONTEXT_ATTRIBUTE, new SecurityContextImpl(
        new AnonymousAuthenticationToken("key", "anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"))));
    sessions.save(anonymous);

    User alice = new User("alice", "", List.of());
    assertThat(registry.getAllSessions(alice, false)).extracting(SessionInformation::getSessionId)
        .containsExactlyInAnyOrder(first, second);
    assertThat(registry.getAllSessions("alice", false)).hasSize(2);
    assertThat(registry.getAllSessions("bob", true)).isEmpty();
    assertThat(registry.getSessionInformation(first).getPrincipal()).isEqualTo(alice);
    assertThat(registry.getSessionInformation(anonymous.id())).isNull();
    assertThat(registry.getSessionInformation("no-such-session")).isNull();
  }

  @Test
  void anExpiredSessionIsMarkedInTheStoreSoEveryNodeSeesIt() {
    String first = loggedInSession();
    String second = loggedInSession();
    registry.getAllSessions("alice", false).stream().filter(i -> i.getSessionId().equals(first)).findFirst()
        .orElseThrow().expireNow();

    SessionRegistry otherNode = SecuritySessions.registry(store);
    assertThat(otherNode.getSessionInformation(first).isExpired()).isTrue();
    assertThat(otherNode.getSessionInformation(second).isExpired()).isFalse();
    assertThat(otherNode.getAllSessions("alice", false)).extracting(SessionInformation::getSessionId).containsExactly(second);
    assertThat(otherNode.getAllSessions("alice", true)).hasSize(2);
  }

  @Test
  void listingAllPrincipalsIsRefusedWithWhatToUseInstead() {
    assertThatThrownBy(registry::getAllPrincipals).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("getAllSessions(principal, includeExpired)");
  }
}

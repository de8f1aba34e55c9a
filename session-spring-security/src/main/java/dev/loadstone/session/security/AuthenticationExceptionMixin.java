package dev.loadstone.session.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Jackson mix-in (the annotations are shared by Jackson 2 and 3) for the authentication exceptions of {@link
 * SecurityTypes#EXTRA_EXCEPTIONS}: the type and the message only, as Spring Security's own mix-in stores {@code
 * BadCredentialsException} (no stack trace, no cause, no authentication request), so a failed login never makes
 * the session large or fails to save.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
@JsonIgnoreProperties(ignoreUnknown = true,
    value = {"cause", "stackTrace", "authenticationRequest", "localizedMessage", "suppressed"})
abstract class AuthenticationExceptionMixin {
  @JsonCreator
  AuthenticationExceptionMixin(@JsonProperty("message") String message) {}
}

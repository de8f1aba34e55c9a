package dev.loadstone.session.servlet;

import dev.loadstone.session.SessionStore;
import dev.loadstone.session.spi.StoreSettings;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * The filter's settings once resolved against the web application ({@link WebAppDefaults}), and their {@code
 * web.xml} form: the filter's own init parameters are read here, the store's by {@link StoreSettings} and the
 * store provider {@code store} names (see the session-servlet README for the full table).
 */
final class FilterSettings {
  final StoreUnavailablePolicy unavailablePolicy;
  final Duration retryAfter;
  final SessionIdResolver resolver;
  final List<HttpSessionListener> sessionListeners = new ArrayList<>();
  final List<HttpSessionAttributeListener> attributeListeners = new ArrayList<>();
  final List<HttpSessionIdListener> idListeners = new ArrayList<>();

  FilterSettings(SessionIdResolver resolver, StoreUnavailablePolicy unavailablePolicy, Duration retryAfter,
      List<EventListener> listeners) {
    this.resolver = resolver;
    this.unavailablePolicy = unavailablePolicy;
    this.retryAfter = retryAfter;
    for (EventListener l : listeners) {
      if (l instanceof HttpSessionListener s) {
        sessionListeners.add(s);
      }
      if (l instanceof HttpSessionAttributeListener a) {
        attributeListeners.add(a);
      }
      if (l instanceof HttpSessionIdListener i) {
        idListeners.add(i);
      }
    }
  }

  static void checkListener(EventListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!(listener instanceof HttpSessionListener) && !(listener instanceof HttpSessionAttributeListener)
        && !(listener instanceof HttpSessionIdListener)) {
      throw new IllegalArgumentException("listener: " + listener.getClass().getName()
          + " (expected: an HttpSessionListener, HttpSessionAttributeListener or HttpSessionIdListener)");
    }
  }

  /** A filter and store from init parameters; the store and what it uses are closed by {@link StoreSettings#closeOwned}. */
  record Parsed(SessionFilterBuilder filter, SessionStore store, StoreSettings storeSettings) {}

  /** Settings and a new store from init parameters; throws with the parameter name and value on bad input. */
  static Parsed fromInitParameters(Function<String, String> params, ServletContext context) {
    WebAppDefaults webApp = WebAppDefaults.of(context);
    StoreSettings.Builder storeSettings = StoreSettings.builder(params)
        .defaultIdleTimeout(webApp.idleTimeout())
        .meterRegistry(meterRegistry(params, context));
    if (context != null) {
      storeSettings.classLoader(context.getClassLoader());
    }
    StoreSettings settings = storeSettings.build();
    try {
      SessionStore store = settings.createStore();
      SessionFilterBuilder b = SessionFilter.builder(store);
      settings.optional("cookie.name").ifPresent(b::cookieName);
      settings.optional("cookie.path").ifPresent(b::cookiePath);
      settings.optional("cookie.domain").ifPresent(b::cookieDomain);
      String secure = settings.get("cookie.secure");
      if (secure != null && !secure.equalsIgnoreCase("auto")) {
        b.secure(settings.optionalBoolean("cookie.secure").orElseThrow());
      }
      settings.optionalBoolean("cookie.http-only").ifPresent(b::httpOnly);
      settings.optional("cookie.same-site").map(SameSite::parse).ifPresent(b::sameSite);
      settings.optionalDuration("cookie.max-age").ifPresent(b::cookieMaxAge);
      settings.optionalBoolean("session-id.cookie").filter(on -> !on).ifPresent(off -> b.withoutCookie());
      settings.optional("session-id.header").ifPresent(b::sessionIdHeader);
      String policy = settings.get("on-store-unavailable");
      if (policy != null) {
        switch (policy.toLowerCase(Locale.ROOT)) {
          case "503" -> b.onStoreUnavailable(StoreUnavailablePolicy.RESPOND_503);
          case "continue" -> b.onStoreUnavailable(StoreUnavailablePolicy.CONTINUE_WITHOUT_SESSION);
          default -> throw new IllegalArgumentException("on-store-unavailable: '" + policy + "' (expected: 503 or continue)");
        }
      }
      settings.optionalDuration("retry-after").ifPresent(b::retryAfter);
      for (String className : settings.list("listeners")) {
        b.listener(settings.instantiate("listeners", className, EventListener.class));
      }
      return new Parsed(b, store, settings);
    } catch (RuntimeException e) {
      settings.closeOwned();
      throw e;
    }
  }

  /** {@code metrics.registry-attribute}: the servlet context attribute under which the application keeps its registry. */
  private static MeterRegistry meterRegistry(Function<String, String> params, ServletContext context) {
    String attribute = params.apply("metrics.registry-attribute");
    if (attribute == null || attribute.isBlank()) {
      return null;
    }
    Object registry = context == null ? null : context.getAttribute(attribute.strip());
    if (!(registry instanceof MeterRegistry r)) {
      throw new IllegalArgumentException("metrics.registry-attribute: '" + attribute + "' holds "
          + (registry == null ? "nothing" : registry.getClass().getName())
          + " (expected: a Micrometer MeterRegistry the application put there before the filter starts)");
    }
    return r;
  }
}

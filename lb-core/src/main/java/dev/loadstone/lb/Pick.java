package dev.loadstone.lb;

/**
 * A balancer's answer: the chosen backend, and a sticky cookie value to set on the response (or null), or
 * the explicit "none available" result with its reason. Never null.
 */
public final class Pick {
  private static final Pick NONE = new Pick(null, null, "no backend is available (none is UP and ACTIVE)");

  private final BackendState state;
  private final String setCookie;
  private final String reason;

  Pick(BackendState state, String setCookie) {
    this(state, setCookie, null);
  }

  private Pick(BackendState state, String setCookie, String reason) {
    this.state = state;
    this.setCookie = setCookie;
    this.reason = reason;
  }

  public static Pick of(BackendState state) {
    return state.asPick();
  }

  public static Pick withCookie(BackendState state, String cookie) {
    return cookie == null ? state.asPick() : new Pick(state, cookie);
  }

  public static Pick none() {
    return NONE;
  }

  public static Pick none(String reason) {
    return new Pick(null, null, reason);
  }

  public boolean isEmpty() {
    return state == null;
  }

  /** The chosen backend; null exactly when {@link #isEmpty()}. */
  public BackendState state() {
    return state;
  }

  /** The sticky cookie value to send back, or null when the client's cookie is still right. */
  public String setCookie() {
    return setCookie;
  }

  /** Why nothing was picked; null when a backend was picked. */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return state == null ? "Pick.none(" + reason + ")" : "Pick(" + state.id() + (setCookie == null ? "" : ", cookie") + ")";
  }
}

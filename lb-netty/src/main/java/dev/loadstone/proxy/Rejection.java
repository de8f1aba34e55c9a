package dev.loadstone.proxy;

/**
 * Why a message is refused: the status the proxy answers with and a one-line reason naming the offending
 * value. A verdict on input, not a bug, so it carries no stack trace.
 */
final class Rejection extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;

  Rejection(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }

  String reason() {
    return getMessage();
  }
}

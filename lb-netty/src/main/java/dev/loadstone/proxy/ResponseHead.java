package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpResponse;

/**
 * A final response head from a backend with its framing, or why it is not a valid response (the attempt then
 * fails with {@link FailureCause#INVALID_RESPONSE}). The body, if any, follows as {@code HttpContent}s ending
 * with a {@code LastHttpContent}; a body-less response has none.
 */
final class ResponseHead {
  final HttpResponse response;
  final Framing framing;
  final String invalid;

  ResponseHead(HttpResponse response, Framing framing) {
    this.response = response;
    this.framing = framing;
    this.invalid = null;
  }

  private ResponseHead(String invalid) {
    this.response = null;
    this.framing = Framing.NONE;
    this.invalid = invalid;
  }

  static ResponseHead invalid(String why) {
    return new ResponseHead(why);
  }

  @Override
  public String toString() {
    return invalid != null ? "ResponseHead(invalid: " + invalid + ")" : "ResponseHead(" + response.status() + ", " + framing + ")";
  }
}

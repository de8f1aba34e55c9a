package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A request head the client codec accepted, with the decisions taken on it (framing, expectation, upgrade), or
 * the rejection the proxy answers instead. The body, if the framing has one, follows as {@code HttpContent}s
 * ending with a {@code LastHttpContent}; a body-less request has none.
 */
final class RequestHead {
  final HttpRequest request;
  final Framing framing;
  final boolean expectContinue;
  final boolean upgrade;
  final Rejection rejection;
  /** The method of a rejected request, when it got that far (the error to a HEAD has no body), else GET. */
  final HttpMethod method;

  RequestHead(HttpRequest request, Framing framing, boolean expectContinue, boolean upgrade) {
    this.request = request;
    this.framing = framing;
    this.expectContinue = expectContinue;
    this.upgrade = upgrade;
    this.rejection = null;
    this.method = request.method();
  }

  private RequestHead(Rejection rejection, HttpMethod method) {
    this.request = null;
    this.framing = Framing.NONE;
    this.expectContinue = false;
    this.upgrade = false;
    this.rejection = rejection;
    this.method = method == null ? HttpMethod.GET : method;
  }

  static RequestHead rejected(Rejection r, HttpMethod method) {
    return new RequestHead(r, method);
  }

  @Override
  public String toString() {
    return rejection != null ? "RequestHead(rejected " + rejection.status() + ": " + rejection.reason() + ")"
        : "RequestHead(" + request.method() + " " + request.uri() + ", " + framing + ")";
  }
}

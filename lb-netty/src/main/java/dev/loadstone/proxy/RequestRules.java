package dev.loadstone.proxy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The one step between a parsed request head and the proxy acting on it: method, target and Host
 * ({@link RequestTarget}), framing ({@link Framing}), the body limit and the expectation. Pure: it reads the
 * head and rewrites only the head (the target to origin-form, Host from an absolute-form target, Expect
 * removed). Its rejections are answered by the proxy; nothing of a rejected request is forwarded.
 */
final class RequestRules {
  private RequestRules() {}

  /** {@code maxBodySize} 0 means unlimited. */
  static RequestHead check(RequestLine line, HttpHeaders h, long maxBodySize) throws Rejection {
    HttpMethod method = line.method();
    if (HttpMethod.CONNECT.equals(method)) {
      throw new Rejection(405, "CONNECT is not supported");
    }
    String uri = RequestTarget.resolve(method, line.target(), line.version(), h);
    Framing framing = Framing.ofRequest(line.version(), h);
    if (maxBodySize > 0 && framing.kind() == Framing.Kind.LENGTH && framing.length() > maxBodySize) {
      throw new Rejection(413, "the request body of " + framing.length() + " bytes is larger than the limit of " + maxBodySize + " bytes");
    }
    boolean expectContinue = expectsContinue(line.version(), h, framing);
    boolean upgrade = HttpMethod.GET.equals(method) && !framing.hasBody() && HopByHop.isWebSocketUpgrade(h);
    return new RequestHead(new DefaultHttpRequest(line.version(), method, uri, h), framing, expectContinue, upgrade);
  }

  /**
   * RFC 9110 10.1.1: {@code 100-continue} is the only expectation; another one gets 417. In HTTP/1.0 it is
   * ignored, and without a body there is nothing to continue. Expect is never forwarded: the proxy answers
   * 100 Continue itself once the head reached a backend.
   */
  private static boolean expectsContinue(HttpVersion version, HttpHeaders h, Framing framing) throws Rejection {
    if (!h.contains(HttpHeaderNames.EXPECT)) {
      return false;
    }
    List<String> expect = h.getAll(HttpHeaderNames.EXPECT);
    h.remove(HttpHeaderNames.EXPECT);
    if (version == HttpVersion.HTTP_1_0) {
      return false;
    }
    if (expect.size() != 1 || !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.get(0))) {
      throw new Rejection(417, "unsupported expectation '" + String.join(", ", expect) + "'");
    }
    return framing.hasBody();
  }
}

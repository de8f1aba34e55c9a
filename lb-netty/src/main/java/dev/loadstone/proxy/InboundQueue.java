package dev.loadstone.proxy;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * What the client codec decoded and the connection has not yet handled, in order: request heads and body
 * contents of pipelined requests. It holds at most one read's worth, because the connection reads again only
 * once it is empty (or the current request wants more of its body).
 */
final class InboundQueue {
  private final ArrayDeque<Object> q = new ArrayDeque<>(4);

  void add(Object msg) {
    q.add(msg);
  }

  Object poll() {
    return q.poll();
  }

  Object peek() {
    return q.peek();
  }

  boolean isEmpty() {
    return q.isEmpty();
  }

  /** Why the body queued behind the head at the front is bad, if it is (checked before anything is forwarded). */
  Rejection bodyRejection() {
    for (Object o : q) {
      if (!(o instanceof HttpContent)) {
        return null;
      }
      HttpContent c = (HttpContent) o;
      if (c.decoderResult().isFailure()) {
        Throwable cause = c.decoderResult().cause();
        return cause instanceof Rejection ? (Rejection) cause : new Rejection(400, "malformed request body");
      }
    }
    return null;
  }

  /** Drops the queued body of the request being answered; true if its end was among it (the request is all read). */
  boolean dropBody() {
    while (q.peek() instanceof HttpContent) {
      HttpContent c = (HttpContent) q.poll();
      boolean last = c instanceof LastHttpContent && c.decoderResult().isSuccess();
      c.release();
      if (last) {
        return true;
      }
    }
    return false;
  }

  void releaseAll() {
    Object o;
    while ((o = q.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
  }
}

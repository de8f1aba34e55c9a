package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadstone.proxy.RetryPolicy.Decision;
import dev.loadstone.proxy.RetryPolicy.Progress;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Why an attempt is retried, as a table of (cause, progress, method, attempts made, max attempts). */
class RetryPolicyTest {

  @ParameterizedTest(name = "{0} {1} {2} {3}/{4} -> {5}")
  @CsvSource({
    // Nothing reached the backend: any method is retried.
    "CONNECT_FAILED,   NOTHING_SENT,     POST,   1, 3, RETRY",
    "CONNECT_TIMEOUT,  NOTHING_SENT,     PATCH,  1, 3, RETRY",
    "RESET,            NOTHING_SENT,     POST,   2, 3, RETRY",
    // ...but never past the attempts allowed.
    "CONNECT_FAILED,   NOTHING_SENT,     GET,    3, 3, ANSWER_ERROR",
    "CONNECT_FAILED,   NOTHING_SENT,     GET,    1, 1, ANSWER_ERROR",
    // The head was sent: only idempotent methods, never after a response timeout.
    "RESET,            HEAD_SENT,        GET,    1, 3, RETRY",
    "INVALID_RESPONSE, HEAD_SENT,        GET,    1, 3, RETRY",
    "RESET,            HEAD_SENT,        PUT,    1, 3, RETRY",
    "RESET,            HEAD_SENT,        DELETE, 1, 3, RETRY",
    "RESET,            HEAD_SENT,        HEAD,   1, 3, RETRY",
    "RESET,            HEAD_SENT,        OPTIONS,1, 3, RETRY",
    "RESET,            HEAD_SENT,        TRACE,  1, 3, RETRY",
    "RESET,            HEAD_SENT,        POST,   1, 3, ANSWER_ERROR",
    "RESET,            HEAD_SENT,        PATCH,  1, 3, ANSWER_ERROR",
    "RESPONSE_TIMEOUT, HEAD_SENT,        GET,    1, 3, ANSWER_ERROR",
    // Body bytes went out: they cannot be sent again.
    "RESET,            BODY_SENT,        PUT,    1, 3, ANSWER_ERROR",
    "INVALID_RESPONSE, BODY_SENT,        POST,   1, 3, ANSWER_ERROR",
    // The response had started: it cannot be replaced.
    "RESET,            RESPONSE_STARTED, GET,    1, 3, CLOSE_CLIENT",
    "INVALID_RESPONSE, RESPONSE_STARTED, GET,    3, 3, CLOSE_CLIENT",
  })
  void decision(FailureCause cause, Progress progress, String method, int attempts, int max, Decision expected) {
    assertThat(RetryPolicy.decide(cause, progress, HttpMethod.valueOf(method), attempts, max)).isEqualTo(expected);
  }
}

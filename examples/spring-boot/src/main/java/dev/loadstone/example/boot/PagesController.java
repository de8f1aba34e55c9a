package dev.loadstone.example.boot;

import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/** The pages: a counter kept in the session, a page that only reads it, a failing page and a large session. */
@RestController
public class PagesController {
  static final String COUNTER = "counter";

  /** Counts this session's visits: a {@code Long} in the session (it comes back as a {@code Long}). */
  @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
  public String counter(Principal user, HttpSession session, CsrfToken csrf) {
    Long visits = (Long) session.getAttribute(COUNTER);
    long next = visits == null ? 1 : visits + 1;
    session.setAttribute(COUNTER, next);
    return page("Hello " + HtmlUtils.htmlEscape(user.getName()) + ", visit <b id=\"visits\">" + next + "</b>",
        "<p><a href=\"/me\">who am I</a></p><form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\""
            + csrf.getParameterName() + "\" value=\"" + csrf.getToken() + "\"><button>Log out</button></form>");
  }

  /** A read-mostly page: the principal and the counter, read, nothing written. */
  @GetMapping(value = "/me", produces = MediaType.TEXT_HTML_VALUE)
  public String me(Principal user, HttpSession session) {
    return page("You are " + HtmlUtils.htmlEscape(user.getName()),
        "<p>visits so far: <b id=\"visits\">" + session.getAttribute(COUNTER) + "</b></p>");
  }

  /** A controller that fails: the client must get the application's error page, not a login redirect. */
  @GetMapping("/boom")
  public String boom() {
    throw new IllegalStateException("boom");
  }

  /** Puts {@code kb} KiB into the session (a session that outgrows a token cookie). */
  @GetMapping(value = "/big", produces = MediaType.TEXT_PLAIN_VALUE)
  public String big(@RequestParam(defaultValue = "8") int kb, HttpSession session) {
    session.setAttribute("big", "x".repeat(Math.min(kb, 64) * 1024));
    return "stored " + kb + " KiB";
  }

  private static String page(String heading, String body) {
    return "<!doctype html><html><head><title>Loadstone example</title></head><body><h1>" + heading + "</h1>" + body
        + "</body></html>";
  }
}

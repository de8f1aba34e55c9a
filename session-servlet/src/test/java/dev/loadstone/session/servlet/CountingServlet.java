package dev.loadstone.session.servlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The sample application: counts visits in the session, and exercises the rest of the session API. */
final class CountingServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  final AtomicInteger invocations = new AtomicInteger();
  final List<String> bindingEvents = new CopyOnWriteArrayList<>();

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
    doGet(req, resp);
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
    invocations.incrementAndGet();
    resp.setContentType("text/plain;charset=utf-8");
    String path = req.getDispatcherType() == jakarta.servlet.DispatcherType.INCLUDE
        ? (String) req.getAttribute(jakarta.servlet.RequestDispatcher.INCLUDE_PATH_INFO) // an include keeps the outer paths
        : req.getPathInfo() != null ? req.getPathInfo() : req.getServletPath();
    switch (path) {
      case "/count" -> {
        HttpSession session = req.getSession();
        int visits = count(session);
        resp.getWriter().print("visits=" + visits + " new=" + session.isNew() + " id=" + session.getId());
      }
      case "/peek" -> {
        HttpSession session = req.getSession(false);
        resp.getWriter().print(session == null ? "none" : "visits=" + session.getAttribute("visits") + " id="
            + session.getId() + " requested=" + req.getRequestedSessionId() + " valid="
            + req.isRequestedSessionIdValid());
      }
      case "/rotate" -> {
        HttpSession session = req.getSession();
        String before = session.getId();
        String after = req.changeSessionId();
        resp.getWriter().print("before=" + before + " after=" + after + " id=" + session.getId() + " visits="
            + session.getAttribute("visits"));
      }
      case "/rotate-without-session" -> {
        try {
          req.changeSessionId();
          resp.getWriter().print("changed");
        } catch (IllegalStateException e) {
          resp.getWriter().print("IllegalStateException");
        }
      }
      case "/invalidate" -> {
        HttpSession session = req.getSession(false);
        session.invalidate();
        String after;
        try {
          session.getAttribute("visits");
          after = "readable";
        } catch (IllegalStateException e) {
          after = "IllegalStateException";
        }
        resp.getWriter().print("invalidated; afterwards getAttribute: " + after + "; getSession(false): "
            + req.getSession(false));
      }
      case "/invalidate-and-restart" -> {
        req.getSession().invalidate();
        HttpSession fresh = req.getSession();
        fresh.setAttribute("visits", 100);
        resp.getWriter().print("new=" + fresh.isNew() + " visits=" + fresh.getAttribute("visits"));
      }
      case "/interval" -> {
        HttpSession session = req.getSession();
        String set = req.getParameter("set");
        if (set != null) {
          session.setMaxInactiveInterval(Integer.parseInt(set));
        }
        count(session);
        resp.getWriter().print("interval=" + session.getMaxInactiveInterval());
      }
      case "/times" -> {
        HttpSession session = req.getSession();
        count(session);
        resp.getWriter().print("created=" + session.getCreationTime() + " last=" + session.getLastAccessedTime());
      }
      case "/attributes" -> {
        HttpSession session = req.getSession();
        session.setAttribute("color", "red");
        session.setAttribute("color", "blue");
        session.removeAttribute("color");
        session.setAttribute("kept", "yes");
        resp.getWriter().print("names=" + java.util.Collections.list(session.getAttributeNames()));
      }
      case "/bind" -> {
        HttpSession session = req.getSession();
        session.setAttribute("listener", new Recording("first", bindingEvents));
        session.setAttribute("listener", new Recording("second", bindingEvents));
        session.removeAttribute("listener");
        resp.getWriter().print("bound");
      }
      case "/large-stream" -> {
        int visits = count(req.getSession());
        byte[] chunk = ("visits=" + visits + " " + "x".repeat(1000) + "\n").getBytes(StandardCharsets.UTF_8);
        OutputStream out = resp.getOutputStream();
        int kib = Integer.parseInt(req.getParameter("kib"));
        for (int i = 0; i < kib; i++) {
          out.write(chunk, 0, 1024 < chunk.length ? 1024 : chunk.length);
        }
      }
      case "/large-writer" -> {
        int visits = count(req.getSession());
        PrintWriter out = resp.getWriter();
        int kib = Integer.parseInt(req.getParameter("kib"));
        String line = "visits=" + visits + " " + "\u00e9".repeat(300) + "\n";
        for (int i = 0; i < kib; i++) {
          out.print(line);
        }
      }
      case "/flush" -> {
        int visits = count(req.getSession());
        resp.getWriter().print("visits=" + visits);
        resp.flushBuffer();
        resp.getWriter().print(" after-flush");
      }
      case "/content-length" -> {
        int visits = count(req.getSession());
        byte[] body = ("visits=" + visits).getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
      }
      case "/redirect" -> {
        count(req.getSession());
        resp.sendRedirect("/count");
      }
      case "/error" -> {
        count(req.getSession());
        resp.sendError(409, "conflict on purpose");
      }
      case "/login" -> {
        HttpSession session = req.getSession();
        session.setAttribute("user", req.getParameter("user"));
        session.setAttribute(dev.loadstone.session.PrincipalResolver.PRINCIPAL_NAME_ATTRIBUTE, req.getParameter("user"));
        String id = req.changeSessionId();
        resp.getWriter().print("user=" + session.getAttribute("user") + " id=" + id);
      }
      case "/whoami" -> {
        HttpSession session = req.getSession(false);
        resp.getWriter().print(session == null || session.getAttribute("user") == null ? "none"
            : "user=" + session.getAttribute("user") + " id=" + session.getId());
      }
      case "/rotate-requested" -> {
        HttpSession session = req.getSession();
        String before = req.getRequestedSessionId();
        req.changeSessionId();
        resp.getWriter().print("before=" + before + " requested=" + req.getRequestedSessionId() + " valid="
            + req.isRequestedSessionIdValid() + " id=" + session.getId());
      }
      case "/redirect-status" -> {
        count(req.getSession());
        switch (req.getParameter("form")) {
          case "int" -> resp.sendRedirect("/count", 303);
          case "boolean" -> resp.sendRedirect("/count", false);
          default -> resp.sendRedirect("/count", 307, true);
        }
      }
      case "/throw" -> {
        count(req.getSession());
        throw new IllegalStateException("failing on purpose");
      }
      case "/error-page" -> {
        HttpSession session = req.getSession(false);
        resp.setStatus(500);
        resp.getWriter().print("error-page " + (session == null ? "no session"
            : "visits=" + session.getAttribute("visits") + " id=" + session.getId()));
      }
      case "/forward" -> {
        count(req.getSession());
        req.getRequestDispatcher("/forwarded").forward(req, resp);
      }
      case "/forwarded" -> {
        HttpSession session = req.getSession(false);
        resp.getWriter().print("forwarded " + (session == null ? "no session" : "visits=" + session.getAttribute("visits")
            + " id=" + session.getId()) + " dispatch=" + req.getDispatcherType());
      }
      case "/include" -> {
        resp.getWriter().print("include id=" + req.getSession().getId() + " ");
        req.getRequestDispatcher("/included").include(req, resp);
      }
      case "/included" -> {
        HttpSession session = req.getSession();
        int visits = count(session);
        resp.getWriter().print("included visits=" + visits + " id=" + session.getId() + " dispatch=" + req.getDispatcherType());
      }
      case "/async" -> {
        jakarta.servlet.AsyncContext async = req.startAsync();
        async.start(() -> {
          HttpServletRequest r = (HttpServletRequest) async.getRequest();
          count(r.getSession());
          async.dispatch("/async-done");
        });
      }
      case "/async-done" -> {
        HttpSession session = req.getSession(false);
        resp.getWriter().print(session == null ? "async no session"
            : "async visits=" + session.getAttribute("visits") + " id=" + session.getId() + " dispatch="
                + req.getDispatcherType());
      }
      case "/cookies" -> {
        HttpSession session = req.getSession();
        StringBuilder names = new StringBuilder();
        if (req.getCookies() != null) {
          for (jakarta.servlet.http.Cookie c : req.getCookies()) {
            names.append(c.getName()).append(' ');
          }
        }
        String seen = "header=" + req.getHeader("Cookie") + " headers=" + java.util.Collections.list(
            req.getHeaders("Cookie")) + " cookies=" + names.toString().strip();
        session.setAttribute("seen", seen); // what a saved request would copy into the session
        resp.getWriter().print(seen);
      }
      case "/grow" -> {
        HttpSession session = req.getSession();
        count(session);
        session.setAttribute("big", "x".repeat(1024 * Integer.parseInt(req.getParameter("kib"))));
        resp.getWriter().print("grown visits=" + session.getAttribute("visits"));
      }
      case "/rotate-wrapped" -> {
        req.getSession();
        try {
          req.changeSessionId();
        } catch (RuntimeException e) {
          throw new ServletException("the framework wraps it", e); // as Spring Security's filters do
        }
        resp.getWriter().print("rotated");
      }
      case "/invalidate-wrapped" -> {
        try {
          req.getSession().invalidate();
        } catch (RuntimeException e) {
          throw new ServletException("the framework wraps it", e);
        }
        resp.getWriter().print("invalidated");
      }
      case "/expiring" -> {
        HttpSession session = req.getSession();
        session.setAttribute("watch", new ExpiryWatch("watch"));
        session.setMaxInactiveInterval(1);
        resp.getWriter().print("expiring id=" + session.getId());
      }
      case "/logout-everywhere" -> {
        String user = (String) req.getSession().getAttribute("user");
        dev.loadstone.session.IndexedSessionStore sessions = (dev.loadstone.session.IndexedSessionStore)
            getServletContext().getAttribute(SessionFilter.STORE_ATTRIBUTE);
        resp.getWriter().print("ended=" + sessions.invalidateAll(user).toCompletableFuture().join());
      }
      default -> resp.sendError(404);
    }
  }

  private static int count(HttpSession session) {
    Integer visits = (Integer) session.getAttribute("visits");
    int next = visits == null ? 1 : visits + 1;
    session.setAttribute("visits", next);
    return next;
  }

  /** A value that records its binding events (in-request only: values come back decoded as plain data). */
  static final class Recording implements HttpSessionBindingListener {
    final String name;
    @com.fasterxml.jackson.annotation.JsonIgnore
    final List<String> events;

    Recording(String name, List<String> events) {
      this.name = name;
      this.events = events;
    }

    @Override
    public void valueBound(HttpSessionBindingEvent event) {
      events.add("bound " + name + " as " + event.getName());
    }

    @Override
    public void valueUnbound(HttpSessionBindingEvent event) {
      events.add("unbound " + name + " from " + event.getName());
    }

    public String getName() {
      return name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A stored value that records, in a static list, when a session it is in unbinds it (expiry included). */
  public static final class ExpiryWatch implements HttpSessionBindingListener {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    public String name;

    public ExpiryWatch() {}

    ExpiryWatch(String name) {
      this.name = name;
    }

    @Override
    public void valueUnbound(HttpSessionBindingEvent event) {
      EVENTS.add("unbound " + name + " from " + event.getName());
    }
  }
}

package dev.loadstone.example.boot;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Names the copy of the application that answered ({@code X-Node}), to watch requests move between copies. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class NodeHeaderFilter extends OncePerRequestFilter {
  private final String node;

  public NodeHeaderFilter(@Value("${example.node:${server.port:8080}}") String node) {
    this.node = node;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    response.setHeader("X-Node", node);
    chain.doFilter(request, response);
  }
}

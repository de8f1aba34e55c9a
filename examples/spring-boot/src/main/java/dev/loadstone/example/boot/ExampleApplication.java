package dev.loadstone.example.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application with Spring Security form login whose sessions are Loadstone's: the starter on the
 * classpath and {@code loadstone.session.store} in application.properties, nothing else. Run several copies behind
 * the proxy and any of them serves any user.
 */
@SpringBootApplication
public class ExampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(ExampleApplication.class, args);
  }
}

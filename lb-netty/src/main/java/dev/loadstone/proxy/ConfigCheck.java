package dev.loadstone.proxy;

import dev.loadstone.proxy.admin.AdminServer;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * {@code lb-proxy --check} ({@code -t}): validates the configuration as a start would (the file, the flags on top,
 * every value and rule, the admin token and its exposure, the TLS files) without binding a port, prints what would run, one
 * {@code key: value} line per setting with where it came from, and exits 0; or prints the one-line error (file,
 * line and column, key, value and expected form) and exits 1. As {@code haproxy -c} and {@code nginx -t}.
 */
final class ConfigCheck {
  private ConfigCheck() {}

  static int run(Path file, Supplier<SettingValues> settings, PrintWriter out, PrintWriter err) {
    SettingValues values;
    ProxyConfig cfg;
    try {
      values = settings.get();
      cfg = values.toConfig();
      AdminServer.checkExposure(cfg.admin() == null ? AdminServer.DEFAULT_ADDRESS : cfg.admin(), Main.token(cfg));
      dev.loadstone.proxy.tls.ServerTls.check(cfg.tls()); // the certificate files load, as a start would load them
      dev.loadstone.proxy.tls.BackendTls.context(cfg.tls());
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      err.println("lb-proxy: " + e.getMessage());
      err.println("lb-proxy: configuration " + (file == null ? "(flags)" : file) + " is invalid");
      err.flush();
      return 1;
    }
    out.println("lb-proxy: configuration " + (file == null ? "(flags)" : file) + " is valid: it would listen on "
        + Shown.text(cfg.listen()) + " (admin " + Settings.byKey("admin").show(cfg) + ") with " + cfg.backends().size()
        + (cfg.backends().size() == 1 ? " backend" : " backends") + " (" + cfg.algorithm().flagName() + ")");
    for (Setting<?> s : Settings.ALL) {
      SettingValues.Value v = values.get(s);
      String text = s.hasView() ? s.show(cfg) : v == null ? "none" : v.yaml() != null ? v.yaml().asText() : String.join(" ", v.args());
      String from = v == null ? "default" : v.yaml() != null ? v.source().toString() : "flag " + s.option();
      out.println(s.key + ": " + text + "   # " + from);
    }
    out.flush();
    return 0;
  }
}

package io.outflux.testing;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real TLS handshake with {@code openssl s_client}, offering what a test asks for. */
public final class OpenSslHandshake {

  private OpenSslHandshake() {
  }

  /** @return "ok CIPHER" when the server took the handshake, else "refused ..." */
  public static String offer(int port, Path caCert, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
        "-servername", "localhost", "-CAfile", caCert.toString(), "-verify_return_error"));
    command.addAll(List.of(options));
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "refused (openssl s_client did not end)";
    }
    Matcher cipher = Pattern.compile("Cipher is (\\S+)").matcher(out);
    if (p.exitValue() == 0 && cipher.find() && !cipher.group(1).equals("(NONE)")) {
      return "ok " + cipher.group(1);
    }
    return "refused " + out.lines().filter(l -> l.contains("alert") || l.contains("error")).findFirst().orElse("");
  }
}

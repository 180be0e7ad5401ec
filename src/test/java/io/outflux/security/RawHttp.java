package io.outflux.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP/1.1 request over a plain socket bound to a chosen loopback source address (127.x.y.z),
 * as an attacker with many addresses would send it; Java's HTTP client can neither bind a source
 * address nor set Host. Reads the status line, the headers and a Content-Length body.
 */
final class RawHttp {

  record Response(int status, Map<String, String> headers, String body) {
  }

  private RawHttp() {
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static Response send(String from, int port, String method, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      s.setSoTimeout(60_000);
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      if (body != null) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return read(s.getInputStream());
    }
  }

  /** A WebSocket upgrade; the status is 101 when the server took it. */
  static Response upgrade(String from, int port, String path, Map<String, String> headers) throws IOException {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Connection", "Upgrade");
    all.put("Upgrade", "websocket");
    all.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    all.put("Sec-WebSocket-Version", "13");
    return send(from, port, "GET", path, all, null);
  }

  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    if (lines.length == 0 || lines[0].length() < 12) {
      throw new IOException("no HTTP answer: " + head.toString(StandardCharsets.ISO_8859_1));
    }
    int status = Integer.parseInt(lines[0].substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    String body = "";
    if (status != 101 && headers.containsKey("content-length")) {
      body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
    }
    return new Response(status, headers, body);
  }
}

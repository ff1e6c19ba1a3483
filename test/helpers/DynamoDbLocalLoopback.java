import java.lang.reflect.Field;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local for the test suites (test/helpers/ddb-local.ts), on 127.0.0.1 only. The jar's own
 * command line has no host option: its Jetty server listens on every interface, so the connector
 * is bound to loopback here before the server starts. Port 0 lets the kernel pick a free port,
 * printed as "LISTENING <port>" for the parent to read; no port is guessed, none collides. The
 * JVM exits when its standard input closes, so a test run that dies leaves no JVM behind.
 */
public class DynamoDbLocalLoopback {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(new String[] { "-inMemory", "-disableTelemetry", "-port", "8000" });
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    ServerConnector connector = (ServerConnector) ((Server) field.get(proxy)).getConnectors()[0];
    connector.setHost("127.0.0.1");
    // its command line refuses port 0; the connector takes it
    connector.setPort(0);
    proxy.start();
    System.out.println("LISTENING " + connector.getLocalPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // the parent never writes; end of input means it is gone
    }
    proxy.stop();
    System.exit(0);
  }
}

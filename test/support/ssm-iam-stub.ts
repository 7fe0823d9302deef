/**
 * A local stand-in for the two AWS calls the digest Lambda makes besides DynamoDB: SSM `GetParameter`
 * (JSON 1.1 protocol) and IAM `ListAccountAliases` (query protocol, XML), answering with the response
 * shapes of the SSM and IAM API references. Point a real SDK client (or a bundle's own SDK) at it with
 * `AWS_ENDPOINT_URL_SSM` / `AWS_ENDPOINT_URL_IAM`; it listens on 127.0.0.1 only and logs every call.
 *
 * Also exports {@link startLocalServer}, the listen / read-body / close plumbing it is built on, for
 * other stand-ins (a Slack incoming webhook, say) in the same tests.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A server started by {@link startLocalServer}. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Drops open (keep-alive) connections and stops listening. */
  close(): Promise<void>;
}

/** Answers one request whose body has been read in full. */
export type LocalAnswer = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/**
 * Starts an HTTP server on 127.0.0.1 (a free port) that reads each request's body as UTF-8 and hands it
 * to `answer`.
 *
 * @example
 * const bodies: string[] = [];
 * const slack = await startLocalServer((_req, body, res) => {
 *   bodies.push(body);
 *   res.writeHead(200, { "content-type": "text/plain" }).end("ok");
 * });
 * await slack.close();
 */
export async function startLocalServer(answer: LocalAnswer): Promise<LocalServer> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => answer(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

/** One request the stub received. */
export interface SsmIamCall {
  /** `GetParameter`, `ListAccountAliases`, or what an unknown request named (its X-Amz-Target or Action, else ""). */
  operation: string;
  /** The request's parameters as sent: the JSON body (SSM) or the form fields (IAM query protocol). */
  input: Record<string, unknown>;
  /** True only for a GetParameter that asked for `WithDecryption: true`. */
  withDecryption: boolean;
}

export interface SsmIamStubOptions {
  /** The account id in parameter ARNs. */
  accountId: string;
  /** SecureString parameters by name → their decrypted value. Any other name is `ParameterNotFound`. */
  parameters: Readonly<Record<string, string>>;
  /** The one alias ListAccountAliases returns. */
  accountAlias: string;
}

export interface SsmIamStub extends LocalServer {
  /** Every request, in arrival order. */
  calls: SsmIamCall[];
}

/** What SSM returns for a SecureString read without decryption (the KMS ciphertext, base64). */
export const SSM_CIPHERTEXT = "AQICAHh-ciphertext-base64==";

const JSON_11 = "application/x-amz-json-1.1";
/** `Credential=<key>/<date>/<region>/<service>/aws4_request` in a SigV4 Authorization header. */
const SCOPE_REGION = /Credential=[^/]+\/\d{8}\/([^/]+)\//;

/** The region the request was signed for (what the client asked), or us-east-1 for an unsigned one. */
function signedRegion(req: IncomingMessage): string {
  return SCOPE_REGION.exec(req.headers.authorization ?? "")?.[1] ?? "us-east-1";
}

function answerGetParameter(options: SsmIamStubOptions, req: IncomingMessage, input: { Name?: unknown; WithDecryption?: unknown }, res: ServerResponse): void {
  const requestId = randomUUID();
  const name = typeof input.Name === "string" ? input.Name : "";
  const value = Object.hasOwn(options.parameters, name) ? options.parameters[name] : undefined;
  if (value === undefined) {
    res.writeHead(400, { "content-type": JSON_11, "x-amzn-requestid": requestId }).end(JSON.stringify({ __type: "ParameterNotFound", message: "" }));
    return;
  }
  res.writeHead(200, { "content-type": JSON_11, "x-amzn-requestid": requestId });
  res.end(
    JSON.stringify({
      Parameter: {
        ARN: `arn:aws:ssm:${signedRegion(req)}:${options.accountId}:parameter${name}`,
        DataType: "text",
        LastModifiedDate: 1704067200.0,
        Name: name,
        Type: "SecureString",
        // Decrypted only when asked to, as SSM does.
        Value: input.WithDecryption === true ? value : SSM_CIPHERTEXT,
        Version: 1,
      },
    }),
  );
}

function answerListAccountAliases(options: SsmIamStubOptions, res: ServerResponse): void {
  const requestId = randomUUID();
  res.writeHead(200, { "content-type": "text/xml", "x-amzn-requestid": requestId });
  res.end(`<ListAccountAliasesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ListAccountAliasesResult>
    <IsTruncated>false</IsTruncated>
    <AccountAliases>
      <member>${options.accountAlias}</member>
    </AccountAliases>
  </ListAccountAliasesResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</ListAccountAliasesResponse>`);
}

/**
 * Starts the SSM / IAM stand-in on 127.0.0.1. Anything but GetParameter and ListAccountAliases gets a
 * 400 `UnknownOperationException` (and is logged too).
 *
 * @example
 * const stub = await startSsmIamStub({ accountId: "123456789012", parameters: { "/app/webhook": "https://hooks.example/x" }, accountAlias: "payments-prod" });
 * process.env.AWS_ENDPOINT_URL_SSM = stub.url;
 * process.env.AWS_ENDPOINT_URL_IAM = stub.url;
 * // … run the code under test, then:
 * stub.calls.filter((c) => c.operation === "GetParameter").every((c) => c.withDecryption); // true
 * await stub.close();
 */
export async function startSsmIamStub(options: SsmIamStubOptions): Promise<SsmIamStub> {
  const calls: SsmIamCall[] = [];
  const server = await startLocalServer((req, body, res) => {
    const target = req.headers["x-amz-target"];
    if (typeof target === "string") {
      const input = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
      const operation = target.startsWith("AmazonSSM.") ? target.slice("AmazonSSM.".length) : target;
      calls.push({ operation, input, withDecryption: operation === "GetParameter" && input.WithDecryption === true });
      if (operation === "GetParameter") return answerGetParameter(options, req, input, res);
    } else {
      const input = Object.fromEntries(new URLSearchParams(body));
      const operation = input.Action ?? "";
      calls.push({ operation, input, withDecryption: false });
      if (operation === "ListAccountAliases") return answerListAccountAliases(options, res);
    }
    res.writeHead(400, { "content-type": JSON_11 }).end(JSON.stringify({ __type: "UnknownOperationException" }));
  });
  return { ...server, calls };
}

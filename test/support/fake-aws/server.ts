/**
 * A local HTTP server that answers like the AWS APIs the auditor calls — EC2 and STS (query protocols,
 * XML), CloudWatch (JSON 1.0, query-compatible) and AWS Config (JSON 1.1) — so the real AWS SDK v3 stack
 * (SigV4 signing, protocols, retries, timeouts) runs offline against it. One server serves every service
 * and region; the region is read from the SigV4 credential scope.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { RawRegion } from "@endpoint-auditor/core";
import { FakeAccounts, type FakeAccountsData } from "./accounts";
import { handleGetMetricData, MetricStore, seriesFromRawRegion, DEFAULT_MAX_DATAPOINTS, type MetricSeries } from "./cloudwatch";
import { FakeConfigAggregator } from "./aggregator";
import { FakeConfigService } from "./config";
import { handleEc2, parseEc2Input } from "./ec2";
import { FaultInjector, FakeServices, type FakeService, type FaultDecision, type FaultError, type FaultRule } from "./faults";
import { FakeApiError, STS_XMLNS, ec2ErrorBody, queryErrorBody, type FakeAnswer } from "./protocol";
import { escapeXml } from "./schema";
import { ROUTE53_PATH_PREFIX, handleListHostedZonesByVpc, route53Action, route53ErrorBody, route53Input } from "./route53";
import { handleListBuckets, s3ErrorBody } from "./s3";
import { parseAuthorization, verifySigV4 } from "./sigv4";

/** The static credentials the fake accepts (and {@link clientsFor} uses). */
export const FAKE_CREDENTIALS = {
  accessKeyId: "AKIAFAKEAWS000000001",
  secretAccessKey: "fake-aws-secret-access-key-0000000000001",
} as const;

export const FAKE_ACCOUNT_ID = "123456789012";

/** What the fake serves. `accounts`, `roles` and `organization` add accounts reached by STS AssumeRole (see accounts.ts). */
export interface FakeAwsData extends FakeAccountsData {
  /** Account id answered by STS `GetCallerIdentity` (default 123456789012). */
  accountId?: string;
  /** EC2 lists per region (SDK-shaped items). `endpointMetrics` also feed CloudWatch. */
  regions?: readonly RawRegion[];
  /** Extra CloudWatch series per region (added to those implied by `regions[].endpointMetrics`). */
  metrics?: Readonly<Record<string, readonly MetricSeries[]>>;
}

export interface FakeAwsOptions {
  data?: FakeAwsData;
  faults?: readonly FaultRule[];
  /** PRNG seed for probabilistic faults (default 1). */
  seed?: number;
  /** Region used when a request carries no SigV4 credential scope (default us-east-1). */
  defaultRegion?: string;
  /** Refuse requests whose SigV4 signature does not verify with {@link FAKE_CREDENTIALS} (default true). */
  verifySignatures?: boolean;
  /** EC2 page size when a paginated call sends no MaxResults: the API maximum (default) or everything. */
  ec2DefaultPageSize?: "max" | "all";
  /** Datapoints per GetMetricData response before it paginates (default 100,800, as CloudWatch). */
  maxDatapointsPerResponse?: number;
}

/** One request the server received. */
export interface FakeCall {
  seq: number;
  /** `Service:Action`, e.g. `EC2:DescribeRouteTables`. */
  key: string;
  service: FakeService;
  action: string;
  region: string;
  /** The request in SDK input shape (EC2 / JSON services) or the raw form fields. */
  params: Record<string, unknown>;
  /** The SDK's attempt number (`amz-sdk-request: attempt=N`), when sent. */
  attempt?: number;
  /** `Date.now()` when the request arrived / was answered. */
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  /** HTTP status answered (undefined while pending or for a hang). */
  status?: number;
  outcome: "pending" | "ok" | "error" | "throttled" | "internal-error" | "failed" | "hang" | "auth-error";
  errorCode?: string;
}

/** Calls received, in arrival order, with counts by `Service:Action`. */
export class CallLog {
  readonly log: FakeCall[] = [];
  private inFlight = 0;
  private peak = 0;

  /** Number of requests for `key` (`EC2:DescribeVpcs`), or of all requests. Faulted requests count too. */
  count(key?: string, outcome?: FakeCall["outcome"]): number {
    return this.log.filter((c) => (key === undefined || c.key === key) && (outcome === undefined || c.outcome === outcome)).length;
  }

  /** Requests per `Service:Action`. */
  counts(outcome?: FakeCall["outcome"]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.log) if (outcome === undefined || c.outcome === outcome) out[c.key] = (out[c.key] ?? 0) + 1;
    return out;
  }

  /** Calls of one key, in arrival order. */
  of(key: string): FakeCall[] {
    return this.log.filter((c) => c.key === key);
  }

  /** The most requests that were being served at the same time. */
  get maxConcurrency(): number {
    return this.peak;
  }

  /** Forgets every call (counters and concurrency peak included). */
  reset(): void {
    this.log.length = 0;
    this.peak = this.inFlight;
  }

  /** @internal */
  enter(): void {
    this.inFlight++;
    if (this.inFlight > this.peak) this.peak = this.inFlight;
  }

  /** @internal */
  leave(): void {
    this.inFlight--;
  }
}

/** A running fake. */
export interface FakeAws {
  /** `http://127.0.0.1:<port>` — the endpoint to give SDK clients. */
  url: string;
  port: number;
  calls: CallLog;
  /** AWS Config state (rules, result tokens, stored evaluations, injected FailedEvaluations). */
  config: FakeConfigService;
  /** AWS Config aggregators of the fake's account: source accounts' and regions' results. */
  aggregator: FakeConfigAggregator;
  /** Accounts reached by AssumeRole, their enabled regions, the organization; `assumeRoleCalls`. */
  accounts: FakeAccounts;
  /** Replaces the active fault rules. */
  setFaults(rules: readonly FaultRule[]): void;
  /** Replaces what is served (regions not listed serve empty lists). */
  setData(data: FakeAwsData): void;
  /** Stops the server, cutting open and hung connections. */
  close(): Promise<void>;
}

type Protocol = "ec2" | "query" | "json1.0" | "json1.1" | "rest-xml";

interface Route {
  service: FakeService;
  action: string;
  protocol: Protocol;
  form?: URLSearchParams;
  json?: Record<string, unknown>;
  /** REST requests (S3, Route 53): the query string. */
  query?: URLSearchParams;
  /** EC2 input in SDK shape, read from `form`. */
  input?: Record<string, unknown>;
}

const SERVICE_BY_SCOPE: Record<string, FakeService> = {
  ec2: FakeServices.ec2,
  monitoring: FakeServices.cloudwatch,
  sts: FakeServices.sts,
  config: FakeServices.config,
  organizations: FakeServices.organizations,
  route53: FakeServices.route53,
  s3: FakeServices.s3,
};

const PROTOCOL_OF: Record<FakeService, Protocol> = {
  EC2: "ec2",
  STS: "query",
  CloudWatch: "json1.0",
  Config: "json1.1",
  Organizations: "json1.1",
  Route53: "rest-xml",
  S3: "rest-xml",
};

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function route(req: IncomingMessage, body: Buffer): Route | FakeApiError {
  const url = new URL(req.url ?? "/", "http://fake.invalid");
  if (url.pathname.startsWith(ROUTE53_PATH_PREFIX)) {
    const action = route53Action(req.method ?? "GET", url.pathname);
    if (!action) return new FakeApiError("InvalidAction", `fake-aws does not serve Route 53 ${req.method ?? ""} ${url.pathname}`);
    return { service: FakeServices.route53, action, protocol: "rest-xml", query: url.searchParams };
  }
  if (parseAuthorization(header(req, "authorization"))?.scope.service === "s3") {
    // S3 is REST: the operation is the method and path (GET / is ListBuckets).
    if (req.method === "GET" && url.pathname === "/") return { service: FakeServices.s3, action: "ListBuckets", protocol: "rest-xml", query: url.searchParams };
    return new FakeApiError("NotImplemented", `fake-aws serves only S3 ListBuckets, not ${req.method ?? "?"} ${url.pathname}`, 501);
  }
  const target = header(req, "x-amz-target");
  const contentType = header(req, "content-type") ?? "";
  if (target) {
    const [prefix, action] = target.split(".");
    if (!action) return new FakeApiError("UnknownOperationException", `Bad X-Amz-Target ${target}`);
    let json: Record<string, unknown>;
    try {
      json = body.length > 0 ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
    } catch {
      return new FakeApiError("SerializationException", "The request body is not valid JSON");
    }
    if (prefix === "GraniteServiceVersion20100801") {
      if (!contentType.startsWith("application/x-amz-json-1.0")) {
        return new FakeApiError("UnknownOperationException", `CloudWatch JSON requests use application/x-amz-json-1.0, got ${contentType}`);
      }
      return { service: FakeServices.cloudwatch, action, protocol: "json1.0", json };
    }
    if (prefix === "AWSOrganizationsV20161128") {
      if (!contentType.startsWith("application/x-amz-json-1.1")) {
        return new FakeApiError("UnknownOperationException", `Organizations requests use application/x-amz-json-1.1, got ${contentType}`);
      }
      return { service: FakeServices.organizations, action, protocol: "json1.1", json };
    }
    if (prefix === "StarlingDoveService") {
      if (!contentType.startsWith("application/x-amz-json-1.1")) {
        return new FakeApiError("UnknownOperationException", `Config requests use application/x-amz-json-1.1, got ${contentType}`);
      }
      return { service: FakeServices.config, action, protocol: "json1.1", json };
    }
    return new FakeApiError("UnknownOperationException", `fake-aws does not serve ${prefix}`);
  }
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(body.toString("utf8"));
    const action = form.get("Action") ?? "";
    const version = form.get("Version");
    form.delete("Action");
    form.delete("Version");
    if (version === "2016-11-15") return { service: FakeServices.ec2, action, protocol: "ec2", form };
    if (version === "2011-06-15") return { service: FakeServices.sts, action, protocol: "query", form };
    return new FakeApiError("InvalidAction", `fake-aws does not serve API version ${version ?? "(none)"} (action ${action})`);
  }
  return new FakeApiError("InvalidAction", `fake-aws cannot route a ${req.method} with content type '${contentType}'`);
}

function faultError(service: FakeService, decision: FaultDecision): FakeApiError {
  switch (decision.kind) {
    case "throttle":
      if (service === "EC2") return new FakeApiError("RequestLimitExceeded", "Request limit exceeded.", 503);
      if (service === "Config") return new FakeApiError("ThrottlingException", "Rate exceeded", 400);
      if (service === "Route53") return new FakeApiError("Throttling", "Rate exceeded", 400);
      if (service === "S3") return new FakeApiError("SlowDown", "Please reduce your request rate.", 503);
      return new FakeApiError("Throttling", "Rate exceeded", 400, "com.amazon.coral.availability#ThrottlingException");
    case "internal":
      if (service === "EC2") return new FakeApiError("InternalError", "An internal error has occurred.", 500);
      if (service === "CloudWatch") {
        return new FakeApiError("InternalServiceError", "Internal service error", 500, "com.amazonaws.cloudwatch#InternalServiceFault");
      }
      return new FakeApiError("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", 500);
    case "fail": {
      if (decision.error !== true) {
        const e: FaultError = decision.error;
        return new FakeApiError(e.code, e.message ?? `fake-aws: injected ${e.code}`, e.status ?? 400);
      }
      if (service === "EC2") return new FakeApiError("UnauthorizedOperation", "You are not authorized to perform this operation.", 403);
      if (service === "Config") return new FakeApiError("AccessDeniedException", "User is not authorized to perform this action.", 400);
      if (service === "Route53") return new FakeApiError("AccessDenied", "User is not authorized to perform: route53:ListHostedZonesByVPC", 403);
      if (service === "S3") return new FakeApiError("AccessDenied", "Access Denied", 403);
      return new FakeApiError("AccessDenied", "User is not authorized to perform this action.", 403, "com.amazon.coral.service#AccessDeniedException");
    }
    default:
      return new FakeApiError("InternalError", "fake-aws: unexpected fault", 500);
  }
}

function errorAnswer(protocol: Protocol, error: FakeApiError, requestId: string, service?: string): FakeAnswer {
  const headers: Record<string, string> = { "x-amzn-RequestId": requestId };
  switch (protocol) {
    case "ec2":
      return { status: error.status, contentType: "text/xml;charset=UTF-8", body: ec2ErrorBody(error, requestId), headers };
    case "query":
      return { status: error.status, contentType: "text/xml", body: queryErrorBody(error, requestId, STS_XMLNS), headers };
    case "json1.0":
      return {
        status: error.status,
        contentType: "application/x-amz-json-1.0",
        body: JSON.stringify({ __type: error.jsonType ?? error.code, message: error.message }),
        headers: { ...headers, "x-amzn-query-error": `${error.code};${error.status >= 500 ? "Receiver" : "Sender"}` },
      };
    case "json1.1":
      return {
        status: error.status,
        contentType: "application/x-amz-json-1.1",
        body: JSON.stringify({ __type: error.jsonType ?? error.code, message: error.message }),
        headers,
      };
    case "rest-xml":
      // Both REST-XML services here: S3's `<Error>` document, or Route 53's `<ErrorResponse>`.
      if (service === FakeServices.s3) return { status: error.status, contentType: "application/xml", body: s3ErrorBody(error, requestId), headers: { ...headers, "x-amz-request-id": requestId } };
      return { status: error.status, contentType: "text/xml", body: route53ErrorBody(error, requestId), headers };
  }
}

function outcomeOf(decision: FaultDecision): FakeCall["outcome"] {
  switch (decision.kind) {
    case "throttle":
      return "throttled";
    case "internal":
      return "internal-error";
    case "fail":
      return "failed";
    case "hang":
      return "hang";
    default:
      return "ok";
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the fake on 127.0.0.1 on an ephemeral port.
 *
 * @example
 * ```ts
 * const fake = await startFakeAws({ data: { regions: [{ region: "eu-west-1", vpcs: [{ VpcId: "vpc-1" }] }] } });
 * const { ec2 } = clientsFor(fake, "eu-west-1");
 * await ec2.send(new DescribeVpcsCommand({ MaxResults: 1000 }));
 * fake.calls.count("EC2:DescribeVpcs"); // 1
 * await fake.close();
 * ```
 */
export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const seed = options.seed ?? 1;
  const defaultRegion = options.defaultRegion ?? "us-east-1";
  const verify = options.verifySignatures ?? true;
  const maxDatapoints = options.maxDatapointsPerResponse ?? DEFAULT_MAX_DATAPOINTS;
  if (!(Number.isInteger(maxDatapoints) && maxDatapoints >= 1)) throw new RangeError("fake-aws: maxDatapointsPerResponse must be a positive integer");
  const ec2Options = { defaultPageSize: options.ec2DefaultPageSize ?? "max" } as const;

  const calls = new CallLog();
  const faults = new FaultInjector(seed);
  faults.set(options.faults ?? []);
  const config = new FakeConfigService(seed, defaultRegion);
  const aggregator = new FakeConfigAggregator();
  const accounts = new FakeAccounts();
  /** CloudWatch series of accounts reached by AssumeRole, by "account region". */
  const accountMetrics = new Map<string, MetricStore>();
  let accountId = FAKE_ACCOUNT_ID;
  let regions = new Map<string, RawRegion>();
  let metrics = new Map<string, MetricStore>();

  const setData = (data: FakeAwsData): void => {
    accountId = data.accountId ?? FAKE_ACCOUNT_ID;
    accounts.set(data);
    accountMetrics.clear();
    regions = new Map((data.regions ?? []).map((r) => [r.region, r]));
    const names = new Set([...regions.keys(), ...Object.keys(data.metrics ?? {})]);
    metrics = new Map(
      [...names].map((name) => {
        const region = regions.get(name);
        const series = [...(region ? seriesFromRawRegion(region) : []), ...(data.metrics?.[name] ?? [])];
        return [name, new MetricStore(series)];
      }),
    );
  };
  setData(options.data ?? {});

  let seq = 0;
  const hung = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const answer = (res: ServerResponse, a: FakeAnswer, call: FakeCall | undefined): void => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(a.status, { "content-type": a.contentType, "content-length": Buffer.byteLength(a.body), ...(a.headers ?? {}) });
    res.end(a.body);
    if (call) {
      call.status = a.status;
      call.endedAt = Date.now();
      call.durationMs = call.endedAt - call.startedAt;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const requestId = randomUUID();
    const auth = parseAuthorization(header(req, "authorization"));
    const region = auth?.scope.region ?? defaultRegion;
    const routed = route(req, body);
    if (routed instanceof FakeApiError) {
      const service = SERVICE_BY_SCOPE[auth?.scope.service ?? ""] ?? FakeServices.ec2;
      answer(res, errorAnswer(PROTOCOL_OF[service], routed, requestId, service), undefined);
      return;
    }
    const attemptHeader = /attempt=(\d+)/.exec(header(req, "amz-sdk-request") ?? "");
    const call: FakeCall = {
      seq: ++seq,
      key: `${routed.service}:${routed.action}`,
      service: routed.service,
      action: routed.action,
      region,
      params: routed.json ?? (routed.form ? Object.fromEntries(routed.form) : routed.query ? (routed.service === FakeServices.route53 ? route53Input(routed.query) : Object.fromEntries(routed.query)) : {}),
      ...(attemptHeader ? { attempt: Number(attemptHeader[1]) } : {}),
      startedAt: Date.now(),
      outcome: "pending",
    };
    let parseError: FakeApiError | undefined;
    if (routed.protocol === "ec2" && routed.form) {
      try {
        routed.input = parseEc2Input(routed.action, routed.form);
        call.params = routed.input;
      } catch (e) {
        if (!(e instanceof FakeApiError)) throw e;
        parseError = e;
      }
    }
    calls.log.push(call);

    if (verify) {
      const keyId = auth?.scope.accessKeyId ?? "";
      const secretAccessKey = keyId === FAKE_CREDENTIALS.accessKeyId ? FAKE_CREDENTIALS.secretAccessKey : (accounts.secretFor(keyId) ?? FAKE_CREDENTIALS.secretAccessKey);
      const result = verifySigV4({ method: req.method ?? "POST", url: req.url ?? "/", headers: req.headers, body, secretAccessKey });
      const wrongKey = result.ok && result.auth.scope.accessKeyId !== FAKE_CREDENTIALS.accessKeyId && accounts.secretFor(result.auth.scope.accessKeyId) === undefined;
      const scopeService = result.auth?.scope.service;
      const wrongService = scopeService !== undefined && SERVICE_BY_SCOPE[scopeService] !== routed.service;
      if (!result.ok || wrongKey || wrongService) {
        const reason = !result.ok ? result.reason : wrongKey ? "unknown access key" : `credential scope service ${scopeService} does not match ${routed.service}`;
        const error =
          routed.service === "EC2"
            ? new FakeApiError("AuthFailure", `AWS was not able to validate the provided access credentials (${reason})`, 401)
            : new FakeApiError("SignatureDoesNotMatch", `The request signature we calculated does not match the signature you provided (${reason})`, 403);
        call.outcome = "auth-error";
        call.errorCode = error.code;
        answer(res, errorAnswer(routed.protocol, error, requestId, routed.service), call);
        return;
      }
    }

    const { latencyMs, fault } = faults.decide(routed.service, routed.action, region);
    if (latencyMs > 0) await sleep(latencyMs);
    if (fault.kind === "hang") {
      call.outcome = "hang";
      hung.add(res);
      res.on("close", () => hung.delete(res));
      return;
    }
    if (fault.kind !== "none") {
      const error = faultError(routed.service, fault);
      call.outcome = outcomeOf(fault);
      call.errorCode = error.code;
      answer(res, errorAnswer(routed.protocol, error, requestId, routed.service), call);
      return;
    }

    try {
      if (parseError) throw parseError;
      const a = serve(routed, region, requestId, auth?.scope.accessKeyId);
      call.outcome = "ok";
      answer(res, a, call);
    } catch (e) {
      if (!(e instanceof FakeApiError)) throw e;
      call.outcome = "error";
      call.errorCode = e.code;
      answer(res, errorAnswer(routed.protocol, e, requestId, routed.service), call);
    }
  };

  const serve = (r: Route, region: string, requestId: string, accessKeyId: string | undefined): FakeAnswer => {
    const headers = { "x-amzn-RequestId": requestId };
    // The account whose credentials signed the request: an assumed role's, else the fake's own.
    const issued = accessKeyId !== undefined ? accounts.accountFor(accessKeyId) : undefined;
    const requestAccount = issued?.accountId ?? accountId;
    const callerArn = issued ? `arn:aws:sts::${requestAccount}:assumed-role/${issued.roleArn.split("/").pop() ?? ""}/${issued.sessionName}` : `arn:aws:iam::${accountId}:user/fake-aws`;
    const other = accounts.account(requestAccount);
    const regionData = (name: string): RawRegion | undefined => (other && requestAccount !== accountId ? other.regions?.find((x) => x.region === name) : (regions.get(name) ?? other?.regions?.find((x) => x.region === name)));
    if ((r.service === "EC2" || r.service === "CloudWatch") && r.action !== "DescribeRegions" && !accounts.regionEnabled(requestAccount, region)) {
      // What AWS answers in a region the account has not enabled.
      throw r.service === "EC2"
        ? new FakeApiError("AuthFailure", "AWS was not able to validate the provided access credentials", 401)
        : new FakeApiError("UnrecognizedClientException", "The security token included in the request is invalid", 400);
    }
    switch (r.service) {
      case "EC2":
        return {
          status: 200,
          contentType: "text/xml;charset=UTF-8",
          body:
            r.action === "DescribeRegions" && r.form
              ? accounts.describeRegions(requestAccount, r.form, requestId)
              : handleEc2(r.action, r.input ?? {}, regionData(region), requestId, ec2Options),
          headers,
        };
      case "STS": {
        if (r.action === "AssumeRole" && r.form) {
          return { status: 200, contentType: "text/xml", body: accounts.assumeRole(r.form, requestAccount, callerArn, requestId), headers };
        }
        if (r.action !== "GetCallerIdentity") throw new FakeApiError("InvalidAction", `Could not find operation ${r.action} for version 2011-06-15`);
        const body =
          `<GetCallerIdentityResponse xmlns="${STS_XMLNS}"><GetCallerIdentityResult>` +
          `<Arn>${escapeXml(callerArn)}</Arn><UserId>AIDAFAKEAWSUSER000001</UserId>` +
          `<Account>${escapeXml(requestAccount)}</Account></GetCallerIdentityResult>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
        return { status: 200, contentType: "text/xml", body, headers };
      }
      case "Route53":
        // Global: the VPC's region is a parameter, the request's signing region says nothing about the data.
        return { status: 200, contentType: "text/xml", body: handleListHostedZonesByVpc(r.query ?? new URLSearchParams(), regionData), headers };
      case "S3":
        return { status: 200, contentType: "application/xml", body: handleListBuckets(r.query ?? new URLSearchParams(), regionData(region), requestAccount), headers: { ...headers, "x-amz-request-id": requestId } };
      case "Organizations": {
        // A region whose data holds the organization part answers with it (what was collected there), the
        // error included; otherwise the organization of the accounts data.
        const recorded = r.action === "DescribeOrganization" ? regionData(region)?.organization : undefined;
        if (recorded?.error) throw new FakeApiError(recorded.error.code ?? "AccessDeniedException", recorded.error.message, 400);
        const out = recorded?.Organization ? { Organization: recorded.Organization } : accounts.organizations(r.action, r.json ?? {}, requestAccount);
        return { status: 200, contentType: "application/x-amz-json-1.1", body: JSON.stringify(out), headers };
      }
      case "CloudWatch": {
        if (r.action !== "GetMetricData") {
          throw new FakeApiError("InvalidAction", `fake-aws serves only GetMetricData, not ${r.action}`, 400);
        }
        let store = metrics.get(region) ?? new MetricStore([]);
        if (requestAccount !== accountId) {
          const key = `${requestAccount} ${region}`;
          const raw = regionData(region);
          if (!accountMetrics.has(key)) accountMetrics.set(key, new MetricStore(raw ? seriesFromRawRegion(raw) : []));
          store = accountMetrics.get(key) as MetricStore;
        }
        const out = handleGetMetricData(r.json ?? {}, store, { maxDatapointsPerResponse: maxDatapoints });
        return { status: 200, contentType: "application/x-amz-json-1.0", body: JSON.stringify(out), headers };
      }
      case "Config": {
        let out: Record<string, unknown>;
        if (r.action === "PutEvaluations") out = config.putEvaluations(r.json ?? {}, region, new Date());
        else if (r.action === "GetComplianceDetailsByConfigRule") out = config.getComplianceDetailsByConfigRule(r.json ?? {}, region);
        else if (r.action === "DescribeAggregateComplianceByConfigRules") out = aggregator.describeAggregateComplianceByConfigRules(r.json ?? {}, region);
        else if (r.action === "GetAggregateComplianceDetailsByConfigRule") out = aggregator.getAggregateComplianceDetailsByConfigRule(r.json ?? {}, region);
        else throw new FakeApiError("UnknownOperationException", `fake-aws does not serve Config ${r.action}`);
        return { status: 200, contentType: "application/x-amz-json-1.1", body: JSON.stringify(out), headers };
      }
    }
  };

  const server = createServer((req, res) => {
    calls.enter();
    res.on("close", () => calls.leave());
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks)).catch((e: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(`fake-aws internal bug: ${e instanceof Error ? e.stack : String(e)}`);
        }
      });
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake-aws: no TCP address");
  const port = address.port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    config,
    aggregator,
    setFaults: (rules) => faults.set(rules),
    setData,
    accounts,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const res of hung) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
}

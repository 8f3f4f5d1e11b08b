// End-to-end scenario for the C# binding, run with mono against the real library and a
// running chorus-sandbox.
//
// Usage: mono Scenario.exe [INVOICE.json [chorus_pro.h]]
// Environment: SANDBOX_URL (required), the sandbox's base URL such as http://127.0.0.1:PORT.
// The paths default to the repository's sample invoice and header, relative to the
// repository root. Prints one line per check, then "N passed, M failed"; exits with 1 if
// any check failed.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using ChorusPro;

internal static class Scenario
{
    private const string SampleNumber = "F124212";
    private const string SampleSellerSiret = "99999999800019";
    private const string NonAsciiAccountName = "Société Générale – café ☕ 𝄞";
    private const int MaxPolls = 200;
    private const int PollIntervalMilliseconds = 200;

    private static int passed;
    private static int failed;

    private static int Main(string[] args)
    {
        string invoicePath = args.Length > 0 ? args[0] : "examples/invoices/facturx-ubl-21-en16931.json";
        string headerPath = args.Length > 1 ? args[1] : "include/chorus_pro.h";
        string sandboxUrl = Environment.GetEnvironmentVariable("SANDBOX_URL");
        if (string.IsNullOrEmpty(sandboxUrl))
        {
            Console.Error.WriteLine("SANDBOX_URL is not set: start chorus-sandbox and export its base URL.");
            return 2;
        }
        string sampleInvoice = File.ReadAllText(invoicePath, Encoding.UTF8);
        Console.WriteLine("chorus-pro " + ChorusLibrary.Version + " at " + sandboxUrl);

        Step("result constants match library", CheckConstantsAgainstLibrary);
        Step("result constants match header", () => CheckConstantsAgainstHeader(headerPath));
        Step("json reader", CheckJsonReader);
        Step("argument checks", CheckArguments);
        Step("unconfigured handle", CheckNotConfigured);
        Step("invalid configuration", CheckInvalidConfiguration);
        Step("deposit until integrated", () => CheckDeposit(sandboxUrl, sampleInvoice));
        Step("wrong technical password", () => CheckWrongTechnicalPassword(sandboxUrl));
        Step("invalid invoice", () => CheckInvalidInvoice(sandboxUrl, sampleInvoice));
        Step("buyer look-up", () => CheckBuyerLookup(sandboxUrl));
        Step("disposed handle", CheckDisposed);

        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} passed, {1} failed", passed, failed));
        return failed == 0 ? 0 : 1;
    }

    private static void CheckConstantsAgainstLibrary()
    {
        bool verified = true;
        string problem = "";
        try
        {
            ChorusResult.VerifyAgainstLibrary();
        }
        catch (InvalidOperationException error)
        {
            verified = false;
            problem = error.Message;
        }
        Check("ChorusResult.VerifyAgainstLibrary passes", verified, problem);
        Check("unused code 1 is UNKNOWN", ChorusLibrary.ResultName(1) == "UNKNOWN", ChorusLibrary.ResultName(1));
        Check("version is not empty", !string.IsNullOrEmpty(ChorusLibrary.Version), "empty");
    }

    // Compares the binding's table with the CHORUS_* constants of the C header, so a code
    // added to the library but not to the binding fails here.
    private static void CheckConstantsAgainstHeader(string headerPath)
    {
        var header = new Dictionary<string, uint>();
        var pattern = new Regex(@"^\s*(CHORUS_[A-Z0-9_]+)\s*=\s*([0-9]+)\s*,");
        foreach (string line in File.ReadAllLines(headerPath))
        {
            Match match = pattern.Match(line);
            if (match.Success)
            {
                header[match.Groups[1].Value] = uint.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }
        var binding = new Dictionary<string, uint>();
        foreach (KeyValuePair<uint, string> entry in ChorusResult.HeaderNames)
        {
            binding[entry.Value] = entry.Key;
        }

        Check("header lists result codes", header.Count > 0, "no CHORUS_* constant found in " + headerPath);
        var missing = new List<string>();
        foreach (KeyValuePair<string, uint> entry in header)
        {
            uint value;
            if (!binding.TryGetValue(entry.Key, out value) || value != entry.Value)
            {
                missing.Add(entry.Key + " = " + entry.Value);
            }
        }
        Check("every header code is in the binding", missing.Count == 0, string.Join(", ", missing.ToArray()));
        var extra = new List<string>();
        foreach (string name in binding.Keys)
        {
            if (!header.ContainsKey(name))
            {
                extra.Add(name);
            }
        }
        Check("every binding code is in the header", extra.Count == 0, string.Join(", ", extra.ToArray()));
    }

    private static void CheckJsonReader()
    {
        object parsed = ChorusJson.Parse(
            "{\"a\": [1, -2.5e1, true, null], \"s\": \"x\\\"\\u00e9\\ud834\\udd1e\\n\", \"n\": 9007199254740993}");
        var list = ChorusJson.GetMember(parsed, "a") as List<object>;
        Check("json array has 4 items", list != null && list.Count == 4, Describe(list));
        Check("json integer is long", list != null && list[0] is long && (long)list[0] == 1, Describe(list));
        Check("json fraction is double", list != null && list[1] is double && (double)list[1] == -25.0, Describe(list));
        Check("json true and null", list != null && Equals(list[2], true) && list[3] == null, Describe(list));
        string text = ChorusJson.GetString(parsed, "s");
        Check("json escapes decoded", text == "x\"é\U0001D11E\n", text);
        Check("json large integer exact", ChorusJson.GetInteger(parsed, "n") == 9007199254740993L, Describe(parsed));

        string[] invalid = { "", "{", "[1,]", "{\"a\" 1}", "\"abc", "tru", "01", "1x", "{} {}", "\"\\x\"" };
        foreach (string text2 in invalid)
        {
            bool rejected = false;
            try
            {
                ChorusJson.Parse(text2);
            }
            catch (FormatException)
            {
                rejected = true;
            }
            Check("json rejects " + text2, rejected, "parsed without error");
        }
    }

    private static void CheckArguments()
    {
        using (var client = new ChorusClient())
        {
            Check("null argument raises ArgumentNullException",
                Throws<ArgumentNullException>(() => client.Submit(null)), "no exception");
            Check("NUL character raises ArgumentException",
                Throws<ArgumentException>(() => client.Configure("{\"a\":\"x\0y\"}")), "no exception");
            Check("unpaired surrogate raises ArgumentException",
                Throws<ArgumentException>(() => client.Configure("{\"a\":\"\ud800\"}")), "no exception");
        }
    }

    private static void CheckNotConfigured()
    {
        using (var client = new ChorusClient())
        {
            ChorusException error = Catch(() => client.TestConnection());
            Check("unconfigured handle raises ChorusException", error != null, "no exception");
            if (error != null)
            {
                Check("unconfigured code is NotConfigured", error.Code == ChorusResult.NotConfigured, Describe(error));
                Check("unconfigured name", error.Name == "CHORUS_ERR_NOT_CONFIGURED", Describe(error));
                Check("unconfigured message not empty", error.Message.Length > 0, Describe(error));
            }
        }
    }

    private static void CheckInvalidConfiguration()
    {
        using (var client = new ChorusClient())
        {
            ChorusException error = Catch(() => client.Configure("{\"language\": \"en\"}"));
            Check("incomplete configuration raises ChorusException", error != null, "no exception");
            if (error != null)
            {
                Check("incomplete configuration code", error.Code == ChorusResult.InvalidConfiguration, Describe(error));
                Check("incomplete configuration lists client_id", HasProblem(error, "client_id"), Describe(error));
            }

            error = Catch(() => client.Configure("{not json"));
            Check("malformed configuration code is InvalidJson",
                error != null && error.Code == ChorusResult.InvalidJson, Describe(error));
        }
    }

    private static void CheckDeposit(string sandboxUrl, string sampleInvoice)
    {
        using (var client = new ChorusClient())
        {
            string configuration = client.Configure(SandboxConfiguration(sandboxUrl, "sandbox-technical-password"));
            Check("configure masks the client secret", !configuration.Contains("sandbox-client-secret"), configuration);
            Check("configure masks the technical password",
                !configuration.Contains("sandbox-technical-password"), configuration);
            object bankAccount = ChorusJson.GetMember(ChorusJson.Parse(configuration), "bank_account");
            string accountName = ChorusJson.GetString(bankAccount, "account_name");
            Check("configure round-trips UTF-8 text", accountName == NonAsciiAccountName, accountName);

            string connection = client.TestConnection();
            Check("test connection lists steps",
                ChorusJson.GetMember(ChorusJson.Parse(connection), "steps") is List<object>, connection);

            string number = "CS" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
            string deposit = client.Submit(sampleInvoice.Replace(SampleNumber, number));
            string fluxNumber = ChorusJson.GetString(ChorusJson.Parse(deposit), "flux_number");
            Check("submit returns a flux number", !string.IsNullOrEmpty(fluxNumber), deposit);
            if (string.IsNullOrEmpty(fluxNumber))
            {
                return;
            }

            string query = "{\"flux_number\": " + JsonQuote(fluxNumber) + "}";
            object status = null;
            int polls = 0;
            while (polls < MaxPolls)
            {
                polls++;
                status = ChorusJson.Parse(client.GetStatus(query));
                if (Equals(ChorusJson.GetMember(status, "final"), true))
                {
                    break;
                }
                Thread.Sleep(PollIntervalMilliseconds);
            }
            Check("status becomes final", Equals(ChorusJson.GetMember(status, "final"), true),
                "still not final after " + polls + " polls: " + Describe(status));
            Check("flux state is IN_INTEGRE", ChorusJson.GetString(status, "state") == "IN_INTEGRE", Describe(status));
            Console.WriteLine("  flux " + fluxNumber + " final after " + polls + " polls");

            CheckConcurrentStatus(client, query);
        }
    }

    private static void CheckBuyerLookup(string sandboxUrl)
    {
        using (var client = new ChorusClient())
        {
            client.Configure(SandboxConfiguration(sandboxUrl, "sandbox-technical-password"));
            object buyer = ChorusJson.Parse(client.LookupBuyer("{\"siret\": \"11000201100044\"}"));
            Check("buyer requires a service code",
                ChorusJson.GetString(buyer, "requirement") == "service_code", Describe(buyer));
            Check("buyer structure id", ChorusJson.GetInteger(buyer, "structure_id") == 26301, Describe(buyer));

            object structures = ChorusJson.Parse(client.ListSupplierStructures());
            Check("supplier structures listed",
                ChorusJson.GetMember(structures, "structures") is List<object>, Describe(structures));

            ChorusException error = null;
            try
            {
                client.LookupBuyer("{\"siret\": \"35600000000048\"}");
            }
            catch (ChorusException caught)
            {
                error = caught;
            }
            Check("unknown buyer raises NotFound", error != null && error.Code == ChorusResult.NotFound,
                error == null ? "no exception" : Describe(error));
        }
    }

    // Several threads read the status through one handle at the same time.
    private static void CheckConcurrentStatus(ChorusClient client, string query)
    {
        const int threadCount = 4;
        var states = new string[threadCount];
        var threads = new Thread[threadCount];
        for (int i = 0; i < threadCount; i++)
        {
            int index = i;
            threads[i] = new Thread(() =>
            {
                try
                {
                    states[index] = ChorusJson.GetString(ChorusJson.Parse(client.GetStatus(query)), "state");
                }
                catch (Exception error)
                {
                    states[index] = error.GetType().Name + ": " + error.Message;
                }
            });
            threads[i].Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
        bool allIntegrated = Array.TrueForAll(states, state => state == "IN_INTEGRE");
        Check("concurrent status on one handle", allIntegrated, string.Join(" | ", states));
    }

    private static void CheckWrongTechnicalPassword(string sandboxUrl)
    {
        using (var client = new ChorusClient())
        {
            client.Configure(SandboxConfiguration(sandboxUrl, "wrong-password"));
            ChorusException error = Catch(() => client.TestConnection());
            Check("wrong password raises ChorusException", error != null, "no exception");
            if (error == null)
            {
                return;
            }
            Check("wrong password name", error.Name == "CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED", Describe(error));
            Check("wrong password code", error.Code == ChorusResult.TechnicalAccountRejected, Describe(error));
            Check("wrong password HTTP status 401", error.HttpStatus == 401, Describe(error));
            Check("wrong password not retryable", !error.Retryable, Describe(error));
            Check("wrong password has a hint", error.Hint.Length > 0, Describe(error));
            Check("error JSON omits the password", !error.Json.Contains("wrong-password"), error.Json);
        }
    }

    private static void CheckInvalidInvoice(string sandboxUrl, string sampleInvoice)
    {
        using (var client = new ChorusClient())
        {
            client.Configure(SandboxConfiguration(sandboxUrl, "sandbox-technical-password"));
            string invoice = sampleInvoice.Replace(SampleSellerSiret, "12345678901234");
            ChorusException error = Catch(() => client.Submit(invoice));
            Check("invalid SIRET raises ChorusException", error != null, "no exception");
            if (error != null)
            {
                Check("invalid SIRET name", error.Name == "CHORUS_ERR_INVALID_INVOICE", Describe(error));
                Check("invalid SIRET code", error.Code == ChorusResult.InvalidInvoice, Describe(error));
                Check("invalid SIRET has problems", error.Problems.Count > 0, Describe(error));
                Check("invalid SIRET problem names siret", HasProblem(error, "siret"), Describe(error));
                Check("invalid SIRET has no HTTP status", error.HttpStatus == null, Describe(error));
            }

            error = Catch(() => client.Submit("{\"not\": \"an invoice\"}"));
            Check("unrelated JSON is an invalid invoice",
                error != null && error.Code == ChorusResult.InvalidInvoice && error.Problems.Count > 0,
                Describe(error));
        }
    }

    private static void CheckDisposed()
    {
        var client = new ChorusClient();
        client.Dispose();
        client.Dispose();
        Check("call after Dispose raises ObjectDisposedException",
            Throws<ObjectDisposedException>(() => client.TestConnection()), "no ObjectDisposedException");
    }

    private static string SandboxConfiguration(string sandboxUrl, string technicalPassword)
    {
        return "{"
            + "\"environment\": \"qualification\","
            + "\"token_url\": " + JsonQuote(sandboxUrl + "/api/oauth/token") + ","
            + "\"base_url\": " + JsonQuote(sandboxUrl) + ","
            + "\"client_id\": \"sandbox-client-id\","
            + "\"client_secret\": \"sandbox-client-secret\","
            + "\"technical_login\": \"TECH_1_sandbox@cpro.fr\","
            + "\"technical_password\": " + JsonQuote(technicalPassword) + ","
            + "\"bank_account\": {\"iban\": \"FR7630006000011234567890189\", \"bic\": \"AGRIFRPP882\","
            + " \"account_name\": " + JsonQuote(NonAsciiAccountName) + "},"
            + "\"language\": \"fr\","
            + "\"timeout_seconds\": 30"
            + "}";
    }

    private static string JsonQuote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (char c in text)
        {
            if (c == '"' || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < ' ')
            {
                builder.AppendFormat(CultureInfo.InvariantCulture, "\\u{0:x4}", (int)c);
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.Append('"').ToString();
    }

    private static bool HasProblem(ChorusException error, string pathPart)
    {
        foreach (ChorusProblem problem in error.Problems)
        {
            if (problem.Path.IndexOf(pathPart, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    // Runs one group of checks; an unexpected exception counts as one failed check.
    private static void Step(string name, Action body)
    {
        Console.WriteLine("# " + name);
        try
        {
            body();
        }
        catch (Exception error)
        {
            Check(name + " ran without exception", false, Describe(error));
        }
    }

    private static void Check(string name, bool condition, string detail)
    {
        if (condition)
        {
            passed++;
            Console.WriteLine("PASS " + name);
        }
        else
        {
            failed++;
            Console.WriteLine("FAIL " + name + ": " + detail);
        }
    }

    private static bool Throws<T>(Action action) where T : Exception
    {
        try
        {
            action();
        }
        catch (T)
        {
            return true;
        }
        return false;
    }

    private static ChorusException Catch(Action action)
    {
        try
        {
            action();
        }
        catch (ChorusException error)
        {
            return error;
        }
        return null;
    }

    private static string Describe(object value)
    {
        var error = value as ChorusException;
        if (error != null)
        {
            return error.Name + " (" + error.Code + "), HTTP " + error.HttpStatus + ": " + error.Json;
        }
        var exception = value as Exception;
        if (exception != null)
        {
            return exception.ToString();
        }
        var list = value as List<object>;
        if (list != null)
        {
            return "[" + string.Join(", ", list.ConvertAll(item => item == null ? "null" : item.GetType().Name + " " + item).ToArray()) + "]";
        }
        var map = value as Dictionary<string, object>;
        if (map != null)
        {
            var parts = new List<string>();
            foreach (KeyValuePair<string, object> entry in map)
            {
                parts.Add(entry.Key + "=" + Describe(entry.Value));
            }
            return "{" + string.Join(", ", parts.ToArray()) + "}";
        }
        return value == null ? "null" : value.ToString();
    }
}

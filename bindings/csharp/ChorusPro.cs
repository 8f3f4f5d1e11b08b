// C# binding for the chorus-pro native library (P/Invoke, one file, no dependencies).
//
// Loading: DllImport("chorus_pro") resolves to chorus_pro.dll on Windows (next to the
// executable or on PATH) and to libchorus_pro.so on Linux (found through the dynamic
// loader, so LD_LIBRARY_PATH or an installed copy). The library's bitness must match the
// process: a 64-bit library needs an x64 process, so an AnyCPU project must not set
// "Prefer 32-bit".
//
// Calling convention: every export is a Rust `extern "C"` function, which is cdecl. The
// declarations below state Cdecl explicitly because the .NET default on 32-bit Windows is
// stdcall.
//
// Strings: arguments are sent as NUL-terminated UTF-8 byte arrays and results are decoded
// from UTF-8, then released with chorus_string_free, in one place (Utf8.TakeString).
//
// Errors: every non-zero result code becomes a ChorusException built from the library's
// JSON error object. That object is read with ChorusJson, a small JSON reader in this
// file, so the binding needs no assembly beyond mscorlib. It uses only APIs present in
// .NET Framework 4.x and mono: tested with mono 6.8 (mcs) on Linux x86-64.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ChorusPro
{
    /// <summary>
    /// Result codes of the C API, with the values of the CHORUS_* constants in
    /// chorus_pro.h. <see cref="VerifyAgainstLibrary"/> checks them against the loaded
    /// library.
    /// </summary>
    public static class ChorusResult
    {
        public const uint Ok = 0;
        public const uint NullArgument = 1001;
        public const uint InvalidUtf8 = 1002;
        public const uint InvalidJson = 1003;
        public const uint InvalidConfiguration = 1004;
        public const uint NotConfigured = 1005;
        public const uint InvalidInvoice = 1006;
        public const uint InvalidQuery = 1007;
        public const uint InputTooLarge = 1008;
        public const uint PisteClientRejected = 2001;
        public const uint TechnicalAccountRejected = 2002;
        public const uint TechnicalPasswordExpired = 2003;
        public const uint ApiAccessDenied = 2004;
        public const uint WrongEnvironment = 2005;
        public const uint EndpointNotFound = 2006;
        public const uint PortalUnavailable = 3001;
        public const uint Network = 3002;
        public const uint Timeout = 3003;
        public const uint Tls = 3004;
        public const uint RateLimited = 3005;
        public const uint Dns = 3006;
        public const uint ConnectionRefused = 3007;
        public const uint Proxy = 3008;
        public const uint Rejected = 4001;
        public const uint DuplicateInvoice = 4002;
        public const uint NotFound = 4003;
        public const uint UnexpectedReply = 9001;
        public const uint Panic = 9002;
        public const uint Internal = 9003;

        /// <summary>Every constant above with its name in chorus_pro.h.</summary>
        public static readonly KeyValuePair<uint, string>[] HeaderNames =
        {
            Entry(Ok, "CHORUS_OK"),
            Entry(NullArgument, "CHORUS_ERR_NULL_ARGUMENT"),
            Entry(InvalidUtf8, "CHORUS_ERR_INVALID_UTF8"),
            Entry(InvalidJson, "CHORUS_ERR_INVALID_JSON"),
            Entry(InvalidConfiguration, "CHORUS_ERR_INVALID_CONFIGURATION"),
            Entry(NotConfigured, "CHORUS_ERR_NOT_CONFIGURED"),
            Entry(InvalidInvoice, "CHORUS_ERR_INVALID_INVOICE"),
            Entry(InvalidQuery, "CHORUS_ERR_INVALID_QUERY"),
            Entry(InputTooLarge, "CHORUS_ERR_INPUT_TOO_LARGE"),
            Entry(PisteClientRejected, "CHORUS_ERR_PISTE_CLIENT_REJECTED"),
            Entry(TechnicalAccountRejected, "CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED"),
            Entry(TechnicalPasswordExpired, "CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED"),
            Entry(ApiAccessDenied, "CHORUS_ERR_API_ACCESS_DENIED"),
            Entry(WrongEnvironment, "CHORUS_ERR_WRONG_ENVIRONMENT"),
            Entry(EndpointNotFound, "CHORUS_ERR_ENDPOINT_NOT_FOUND"),
            Entry(PortalUnavailable, "CHORUS_ERR_PORTAL_UNAVAILABLE"),
            Entry(Network, "CHORUS_ERR_NETWORK"),
            Entry(Timeout, "CHORUS_ERR_TIMEOUT"),
            Entry(Tls, "CHORUS_ERR_TLS"),
            Entry(RateLimited, "CHORUS_ERR_RATE_LIMITED"),
            Entry(Dns, "CHORUS_ERR_DNS"),
            Entry(ConnectionRefused, "CHORUS_ERR_CONNECTION_REFUSED"),
            Entry(Proxy, "CHORUS_ERR_PROXY"),
            Entry(Rejected, "CHORUS_ERR_REJECTED"),
            Entry(DuplicateInvoice, "CHORUS_ERR_DUPLICATE_INVOICE"),
            Entry(NotFound, "CHORUS_ERR_NOT_FOUND"),
            Entry(UnexpectedReply, "CHORUS_ERR_UNEXPECTED_REPLY"),
            Entry(Panic, "CHORUS_ERR_PANIC"),
            Entry(Internal, "CHORUS_ERR_INTERNAL"),
        };

        /// <summary>
        /// Checks every constant against chorus_result_name of the loaded library.
        /// </summary>
        /// <exception cref="InvalidOperationException">
        /// A constant has another name in the library, which means this file and the
        /// library come from different versions.
        /// </exception>
        public static void VerifyAgainstLibrary()
        {
            var mismatches = new List<string>();
            foreach (KeyValuePair<uint, string> entry in HeaderNames)
            {
                string libraryName = ChorusLibrary.ResultName(entry.Key);
                if (libraryName != entry.Value)
                {
                    mismatches.Add(string.Format(
                        CultureInfo.InvariantCulture,
                        "{0} is {1} in the binding but {2} in the library",
                        entry.Key, entry.Value, libraryName));
                }
            }
            if (mismatches.Count > 0)
            {
                throw new InvalidOperationException(
                    "The ChorusPro binding does not match the loaded chorus_pro library "
                    + ChorusLibrary.Version + ": " + string.Join("; ", mismatches.ToArray())
                    + ". Use ChorusPro.cs from the same release as the library.");
            }
        }

        private static KeyValuePair<uint, string> Entry(uint code, string name)
        {
            return new KeyValuePair<uint, string>(code, name);
        }
    }

    /// <summary>Library-wide functions that need no handle.</summary>
    public static class ChorusLibrary
    {
        /// <summary>Version of the loaded native library, such as "0.1.0".</summary>
        public static string Version
        {
            get { return Utf8.ReadStaticString(NativeMethods.chorus_version()); }
        }

        /// <summary>
        /// Returns the name of a result code, such as "CHORUS_ERR_TIMEOUT", or "UNKNOWN".
        /// </summary>
        public static string ResultName(uint code)
        {
            return Utf8.ReadStaticString(NativeMethods.chorus_result_name(code));
        }
    }

    /// <summary>One field that failed validation, from the error object's "problems".</summary>
    public sealed class ChorusProblem
    {
        public ChorusProblem(string path, string message)
        {
            Path = path;
            Message = message;
        }

        /// <summary>Path of the field in the input JSON, such as "seller.siret".</summary>
        public string Path { get; private set; }

        /// <summary>Message in the configured language.</summary>
        public string Message { get; private set; }

        public override string ToString()
        {
            return Path + ": " + Message;
        }
    }

    /// <summary>
    /// A call that returned a result code other than <see cref="ChorusResult.Ok"/>, with
    /// the fields of the library's JSON error object.
    /// </summary>
    public class ChorusException : Exception
    {
        public ChorusException(
            uint code,
            string name,
            string message,
            string hint,
            bool retryable,
            int? httpStatus,
            long? codeRetour,
            string libelle,
            IList<ChorusProblem> problems,
            string json)
            : base(message)
        {
            Code = code;
            Name = name;
            Hint = hint;
            Retryable = retryable;
            HttpStatus = httpStatus;
            CodeRetour = codeRetour;
            Libelle = libelle;
            Problems = new List<ChorusProblem>(problems).AsReadOnly();
            Json = json;
        }

        /// <summary>Result code, one of the <see cref="ChorusResult"/> constants.</summary>
        public uint Code { get; private set; }

        /// <summary>Name of the code, such as "CHORUS_ERR_TIMEOUT".</summary>
        public string Name { get; private set; }

        /// <summary>What to check or change next, in the configured language.</summary>
        public string Hint { get; private set; }

        /// <summary>Whether the same call may succeed later without any change.</summary>
        public bool Retryable { get; private set; }

        /// <summary>HTTP status of the portal's reply, when one arrived.</summary>
        public int? HttpStatus { get; private set; }

        /// <summary>The portal's own codeRetour, when its reply carried one.</summary>
        public long? CodeRetour { get; private set; }

        /// <summary>The portal's own libelle, when its reply carried one.</summary>
        public string Libelle { get; private set; }

        /// <summary>Fields that failed validation. Empty for other errors.</summary>
        public IList<ChorusProblem> Problems { get; private set; }

        /// <summary>
        /// The library's error object as received, with fields such as details.steps that
        /// have no property here. Null only if the library returned no error object.
        /// </summary>
        public string Json { get; private set; }

        public override string ToString()
        {
            return Name + " (" + Code.ToString(CultureInfo.InvariantCulture) + "): "
                + base.ToString();
        }

        /// <summary>
        /// Builds the exception for a failed call from its result code and error object.
        /// An error object that is missing or fails to parse still gives an exception with
        /// the code and its name.
        /// </summary>
        internal static ChorusException FromErrorObject(uint code, string json)
        {
            Dictionary<string, object> error = null;
            if (json != null)
            {
                try
                {
                    error = ChorusJson.Parse(json) as Dictionary<string, object>;
                }
                catch (FormatException)
                {
                    error = null;
                }
            }
            if (error == null)
            {
                string name = ChorusLibrary.ResultName(code);
                return new ChorusException(
                    code, name, "The call failed with " + name + " and no readable error object.",
                    "", false, null, null, null, new List<ChorusProblem>(), json);
            }

            var problems = new List<ChorusProblem>();
            var problemList = ChorusJson.GetMember(error, "problems") as List<object>;
            if (problemList != null)
            {
                foreach (object item in problemList)
                {
                    var problem = item as Dictionary<string, object>;
                    if (problem != null)
                    {
                        problems.Add(new ChorusProblem(
                            ChorusJson.GetString(problem, "path") ?? "",
                            ChorusJson.GetString(problem, "message") ?? ""));
                    }
                }
            }

            long? httpStatus = ChorusJson.GetInteger(error, "http_status");
            return new ChorusException(
                code,
                ChorusJson.GetString(error, "name") ?? ChorusLibrary.ResultName(code),
                ChorusJson.GetString(error, "message") ?? "",
                ChorusJson.GetString(error, "hint") ?? "",
                (ChorusJson.GetMember(error, "retryable") as bool?) ?? false,
                httpStatus.HasValue ? (int?)httpStatus.Value : null,
                ChorusJson.GetInteger(error, "codeRetour"),
                ChorusJson.GetString(error, "libelle"),
                problems,
                json);
        }
    }

    /// <summary>
    /// Owns one native chorus_client handle and releases it with chorus_client_free.
    /// </summary>
    /// <remarks>
    /// The P/Invoke marshaller adds a reference to a SafeHandle for the duration of each
    /// call, so a Dispose that races with a running call frees the handle only after that
    /// call returns, as chorus_client_free requires. A call made after Dispose throws
    /// ObjectDisposedException.
    /// </remarks>
    public sealed class ChorusClientHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public ChorusClientHandle()
            : base(true)
        {
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.chorus_client_free(handle);
            return true;
        }
    }

    /// <summary>
    /// One company file (dossier) on Chorus Pro: its configuration, HTTP connections and
    /// share of the process-wide token cache.
    /// </summary>
    /// <remarks>
    /// The methods take and return the JSON documents described in the library's README
    /// and throw <see cref="ChorusException"/> for any result code other than OK. One
    /// instance may be used from several threads at once.
    /// </remarks>
    public sealed class ChorusClient : IDisposable
    {
        private readonly ChorusClientHandle handle;

        /// <exception cref="OutOfMemoryException">The library could not allocate a handle.</exception>
        /// <exception cref="DllNotFoundException">The native library was not found.</exception>
        public ChorusClient()
        {
            handle = NativeMethods.chorus_client_new();
            if (handle.IsInvalid)
            {
                throw new OutOfMemoryException("chorus_client_new returned NULL: out of memory.");
            }
        }

        /// <summary>
        /// Sets the company file's configuration and returns the effective configuration
        /// with every secret masked. A failed call keeps the previous configuration.
        /// </summary>
        public string Configure(string configJson)
        {
            byte[] argument = Utf8.ToNulTerminated(configJson, "configJson");
            IntPtr output;
            uint code = NativeMethods.chorus_configure(handle, argument, out output);
            return Utf8.TakeResult(code, output);
        }

        /// <summary>
        /// Obtains a token, calls the API with the technical account and lists the
        /// attached structures. Returns each step with its outcome and duration.
        /// </summary>
        public string TestConnection()
        {
            IntPtr output;
            uint code = NativeMethods.chorus_test_connection(handle, out output);
            return Utf8.TakeResult(code, output);
        }

        /// <summary>
        /// Validates the invoice, writes it as UBL 2.1 and deposits it. Returns
        /// flux_number, syntax, file_name, sha256 and size.
        /// </summary>
        /// <remarks>
        /// A deposit is sent once. After <see cref="ChorusResult.Timeout"/> or
        /// <see cref="ChorusResult.Network"/>, read the status before sending again.
        /// </remarks>
        public string Submit(string invoiceJson)
        {
            byte[] argument = Utf8.ToNulTerminated(invoiceJson, "invoiceJson");
            IntPtr output;
            uint code = NativeMethods.chorus_submit(handle, argument, out output);
            return Utf8.TakeResult(code, output);
        }

        /// <summary>
        /// Reads the state of a deposit from a query such as {"flux_number": "..."}.
        /// Succeeds whenever the portal replied, also for a rejected flux.
        /// </summary>
        public string GetStatus(string queryJson)
        {
            byte[] argument = Utf8.ToNulTerminated(queryJson, "queryJson");
            IntPtr output;
            uint code = NativeMethods.chorus_get_status(handle, argument, out output);
            return Utf8.TakeResult(code, output);
        }

        /// <summary>
        /// Looks a buyer up in the Chorus Pro directory from a query such as
        /// {"siret": "..."}: structure id, name, service code and engagement requirements,
        /// active services. Results are cached for one hour.
        /// </summary>
        public string LookupBuyer(string queryJson)
        {
            byte[] argument = Utf8.ToNulTerminated(queryJson, "queryJson");
            IntPtr output;
            uint code = NativeMethods.chorus_lookup_buyer(handle, argument, out output);
            return Utf8.TakeResult(code, output);
        }

        /// <summary>
        /// Lists the structures the technical account may invoice for, with their bank accounts.
        /// </summary>
        public string ListSupplierStructures()
        {
            IntPtr output;
            uint code = NativeMethods.chorus_list_supplier_structures(handle, out output);
            return Utf8.TakeResult(code, output);
        }

        /// <summary>
        /// Responds to a suspended invoice: {"portal_invoice_id": n, "comment": "..."}.
        /// </summary>
        public string CompleteInvoice(string requestJson)
        {
            byte[] argument = Utf8.ToNulTerminated(requestJson, "requestJson");
            IntPtr output;
            uint code = NativeMethods.chorus_complete_invoice(handle, argument, out output);
            return Utf8.TakeResult(code, output);
        }

        /// <summary>
        /// Routes again an invoice sent back for recycling:
        /// {"portal_invoice_id": n, "service_code": "...", ...}.
        /// </summary>
        public string RecycleInvoice(string requestJson)
        {
            byte[] argument = Utf8.ToNulTerminated(requestJson, "requestJson");
            IntPtr output;
            uint code = NativeMethods.chorus_recycle_invoice(handle, argument, out output);
            return Utf8.TakeResult(code, output);
        }

        /// <summary>Releases the native handle; see <see cref="ChorusClientHandle"/>.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }
    }

    /// <summary>
    /// A small JSON reader for the library's output: objects become
    /// Dictionary&lt;string, object&gt;, arrays List&lt;object&gt;, strings string,
    /// integers long, other numbers double, true and false bool, null null.
    /// </summary>
    public static class ChorusJson
    {
        private const int MaxDepth = 512;

        /// <exception cref="FormatException">The text is not one valid JSON value.</exception>
        public static object Parse(string json)
        {
            if (json == null)
            {
                throw new ArgumentNullException("json");
            }
            var reader = new Reader(json);
            object value = reader.ReadValue(0);
            reader.SkipWhitespace();
            if (!reader.AtEnd)
            {
                throw reader.Error("unexpected text after the JSON value");
            }
            return value;
        }

        /// <summary>Returns the member named key, or null if it is absent or the value is not an object.</summary>
        public static object GetMember(object value, string key)
        {
            var map = value as Dictionary<string, object>;
            object member;
            if (map != null && map.TryGetValue(key, out member))
            {
                return member;
            }
            return null;
        }

        /// <summary>Returns the member named key if it is a string, else null.</summary>
        public static string GetString(object value, string key)
        {
            return GetMember(value, key) as string;
        }

        /// <summary>Returns the member named key if it is an integer, else null.</summary>
        public static long? GetInteger(object value, string key)
        {
            return GetMember(value, key) as long?;
        }

        private sealed class Reader
        {
            private readonly string text;
            private int position;

            public Reader(string text)
            {
                this.text = text;
            }

            public bool AtEnd
            {
                get { return position >= text.Length; }
            }

            public FormatException Error(string problem)
            {
                return new FormatException(string.Format(
                    CultureInfo.InvariantCulture, "Invalid JSON at offset {0}: {1}.", position, problem));
            }

            public void SkipWhitespace()
            {
                while (!AtEnd)
                {
                    char c = text[position];
                    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                    {
                        return;
                    }
                    position++;
                }
            }

            public object ReadValue(int depth)
            {
                if (depth > MaxDepth)
                {
                    throw Error("nesting deeper than " + MaxDepth);
                }
                SkipWhitespace();
                if (AtEnd)
                {
                    throw Error("missing value");
                }
                char c = text[position];
                switch (c)
                {
                    case '{':
                        return ReadObject(depth);
                    case '[':
                        return ReadArray(depth);
                    case '"':
                        return ReadString();
                    case 't':
                        ReadLiteral("true");
                        return true;
                    case 'f':
                        ReadLiteral("false");
                        return false;
                    case 'n':
                        ReadLiteral("null");
                        return null;
                    default:
                        if (c == '-' || (c >= '0' && c <= '9'))
                        {
                            return ReadNumber();
                        }
                        throw Error("unexpected character '" + c + "'");
                }
            }

            private Dictionary<string, object> ReadObject(int depth)
            {
                var result = new Dictionary<string, object>(StringComparer.Ordinal);
                position++;
                SkipWhitespace();
                if (!AtEnd && text[position] == '}')
                {
                    position++;
                    return result;
                }
                while (true)
                {
                    SkipWhitespace();
                    if (AtEnd || text[position] != '"')
                    {
                        throw Error("expected a member name in double quotes");
                    }
                    string key = ReadString();
                    SkipWhitespace();
                    Expect(':');
                    // A repeated key keeps its last value, as most JSON parsers do.
                    result[key] = ReadValue(depth + 1);
                    SkipWhitespace();
                    if (!AtEnd && text[position] == ',')
                    {
                        position++;
                        continue;
                    }
                    Expect('}');
                    return result;
                }
            }

            private List<object> ReadArray(int depth)
            {
                var result = new List<object>();
                position++;
                SkipWhitespace();
                if (!AtEnd && text[position] == ']')
                {
                    position++;
                    return result;
                }
                while (true)
                {
                    result.Add(ReadValue(depth + 1));
                    SkipWhitespace();
                    if (!AtEnd && text[position] == ',')
                    {
                        position++;
                        continue;
                    }
                    Expect(']');
                    return result;
                }
            }

            private string ReadString()
            {
                position++;
                var builder = new StringBuilder();
                while (true)
                {
                    if (AtEnd)
                    {
                        throw Error("unterminated string");
                    }
                    char c = text[position++];
                    if (c == '"')
                    {
                        return builder.ToString();
                    }
                    if (c < ' ')
                    {
                        throw Error("control character in a string");
                    }
                    if (c != '\\')
                    {
                        builder.Append(c);
                        continue;
                    }
                    if (AtEnd)
                    {
                        throw Error("unterminated escape");
                    }
                    char escape = text[position++];
                    switch (escape)
                    {
                        case '"': builder.Append('"'); break;
                        case '\\': builder.Append('\\'); break;
                        case '/': builder.Append('/'); break;
                        case 'b': builder.Append('\b'); break;
                        case 'f': builder.Append('\f'); break;
                        case 'n': builder.Append('\n'); break;
                        case 'r': builder.Append('\r'); break;
                        case 't': builder.Append('\t'); break;
                        // Surrogate pairs arrive as two \u escapes and are appended as
                        // two UTF-16 code units, which is how .NET strings store them.
                        case 'u': builder.Append(ReadHexCodeUnit()); break;
                        default: throw Error("invalid escape \\" + escape);
                    }
                }
            }

            private char ReadHexCodeUnit()
            {
                if (position + 4 > text.Length)
                {
                    throw Error("truncated \\u escape");
                }
                int value;
                if (!int.TryParse(text.Substring(position, 4), NumberStyles.AllowHexSpecifier,
                        CultureInfo.InvariantCulture, out value))
                {
                    throw Error("invalid \\u escape");
                }
                position += 4;
                return (char)value;
            }

            private object ReadNumber()
            {
                int start = position;
                bool isInteger = true;
                if (text[position] == '-')
                {
                    position++;
                }
                if (!AtEnd && text[position] == '0' && position + 1 < text.Length
                    && text[position + 1] >= '0' && text[position + 1] <= '9')
                {
                    throw Error("leading zero in a number");
                }
                ReadDigits();
                if (!AtEnd && text[position] == '.')
                {
                    isInteger = false;
                    position++;
                    ReadDigits();
                }
                if (!AtEnd && (text[position] == 'e' || text[position] == 'E'))
                {
                    isInteger = false;
                    position++;
                    if (!AtEnd && (text[position] == '+' || text[position] == '-'))
                    {
                        position++;
                    }
                    ReadDigits();
                }
                string literal = text.Substring(start, position - start);
                long integer;
                if (isInteger && long.TryParse(literal, NumberStyles.AllowLeadingSign,
                        CultureInfo.InvariantCulture, out integer))
                {
                    return integer;
                }
                return double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            private void ReadDigits()
            {
                int start = position;
                while (!AtEnd && text[position] >= '0' && text[position] <= '9')
                {
                    position++;
                }
                if (position == start)
                {
                    throw Error("expected a digit");
                }
            }

            private void ReadLiteral(string literal)
            {
                if (string.CompareOrdinal(text, position, literal, 0, literal.Length) != 0)
                {
                    throw Error("expected " + literal);
                }
                position += literal.Length;
            }

            private void Expect(char expected)
            {
                if (AtEnd || text[position] != expected)
                {
                    throw Error("expected '" + expected + "'");
                }
                position++;
            }
        }
    }

    /// <summary>UTF-8 conversion at the native boundary.</summary>
    internal static class Utf8
    {
        // Arguments are encoded strictly, so a string with an unpaired surrogate is rejected
        // instead of being sent with a replacement character.
        private static readonly UTF8Encoding StrictEncoding = new UTF8Encoding(false, true);

        /// <summary>Encodes an argument as UTF-8 followed by one NUL byte.</summary>
        /// <exception cref="ArgumentNullException">text is null.</exception>
        /// <exception cref="ArgumentException">
        /// text contains a NUL character, which would cut the C string short, or an
        /// unpaired surrogate.
        /// </exception>
        public static byte[] ToNulTerminated(string text, string parameterName)
        {
            if (text == null)
            {
                throw new ArgumentNullException(parameterName);
            }
            if (text.IndexOf('\0') >= 0)
            {
                throw new ArgumentException("The JSON text contains a NUL character.", parameterName);
            }
            try
            {
                int length = StrictEncoding.GetByteCount(text);
                var bytes = new byte[length + 1];
                StrictEncoding.GetBytes(text, 0, text.Length, bytes, 0);
                return bytes;
            }
            catch (EncoderFallbackException error)
            {
                throw new ArgumentException(
                    "The JSON text contains an unpaired UTF-16 surrogate and cannot be encoded as UTF-8.",
                    parameterName, error);
            }
        }

        /// <summary>
        /// Decodes and frees a string returned through out_json, then throws
        /// ChorusException if code is not OK. Returns the result JSON otherwise.
        /// </summary>
        public static string TakeResult(uint code, IntPtr output)
        {
            string json = TakeString(output);
            if (code != ChorusResult.Ok)
            {
                throw ChorusException.FromErrorObject(code, json);
            }
            return json;
        }

        /// <summary>
        /// Decodes a library-owned string and releases it with chorus_string_free. The one
        /// place where strings returned through out_json are freed.
        /// </summary>
        public static string TakeString(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero)
            {
                return null;
            }
            try
            {
                return ReadStaticString(pointer);
            }
            finally
            {
                NativeMethods.chorus_string_free(pointer);
            }
        }

        /// <summary>Decodes a NUL-terminated UTF-8 string without freeing it.</summary>
        public static string ReadStaticString(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero)
            {
                return null;
            }
            // Marshal.PtrToStringUTF8 is missing from .NET Framework, so measure and copy.
            int length = 0;
            while (Marshal.ReadByte(pointer, length) != 0)
            {
                length++;
            }
            var bytes = new byte[length];
            Marshal.Copy(pointer, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }
    }

    /// <summary>The C functions of chorus_pro.h, all cdecl.</summary>
    internal static class NativeMethods
    {
        // Resolved to chorus_pro.dll on Windows and libchorus_pro.so on Linux.
        private const string LibraryName = "chorus_pro";

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern ChorusClientHandle chorus_client_new();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void chorus_client_free(IntPtr client);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint chorus_configure(
            ChorusClientHandle client, byte[] configJson, out IntPtr outJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint chorus_test_connection(ChorusClientHandle client, out IntPtr outJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint chorus_submit(
            ChorusClientHandle client, byte[] invoiceJson, out IntPtr outJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint chorus_get_status(
            ChorusClientHandle client, byte[] queryJson, out IntPtr outJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint chorus_lookup_buyer(
            ChorusClientHandle client, byte[] queryJson, out IntPtr outJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint chorus_list_supplier_structures(
            ChorusClientHandle client, out IntPtr outJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint chorus_complete_invoice(
            ChorusClientHandle client, byte[] requestJson, out IntPtr outJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint chorus_recycle_invoice(
            ChorusClientHandle client, byte[] requestJson, out IntPtr outJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void chorus_string_free(IntPtr text);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr chorus_version();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr chorus_result_name(uint code);
    }
}

{ Delphi and Free Pascal binding for the chorus-pro native library.

  Compilers: Delphi 2009 or later (string is UnicodeString) and Free Pascal 3.2 in Delphi
  mode (string is AnsiString). Tested with FPC 3.2.2 on Linux x86-64 only.
  NOTE: the branches compiled only by Delphi (where FPC is not defined) have not been
  compiled by any Delphi version.

  Loading: the functions are static cdecl imports of chorus_pro.dll (Windows),
  libchorus_pro.dylib (macOS) or libchorus_pro.so (other Unix), so the library must be
  found when the program starts: next to the executable or on PATH on Windows, through
  the dynamic loader (LD_LIBRARY_PATH, rpath, an installed copy) on Linux. With FPC the
  linker also needs the library's folder (-Fl). The library's bitness must match the
  program's: a Win64 library needs a Win64 program.

  Strings: the C API takes and returns NUL-terminated UTF-8. Arguments are converted with
  UTF8String(...) and results with string(...) in ToUtf8 and FromUtf8 below. In Delphi
  that is UTF-16 <-> UTF-8. In FPC it converts from and to the string's code page, which
  on Unix is only known when the program uses the cwstring unit. Without cwstring, FPC
  copies the bytes unchanged, so strings must already hold UTF-8.

  Floating-point exceptions: Delphi and FPC programs unmask the invalid-operation,
  division-by-zero and overflow exceptions, while the Rust code in the library assumes
  the IEEE default where they are masked and may compute with NaN or infinity. An
  unmasked exception would interrupt Rust code with a hardware exception that it cannot
  unwind safely. Every call made by this unit therefore masks all floating-point
  exceptions on the calling thread (Math.SetExceptionMask), clears the status flags the
  library left set, and restores the caller's mask when the call returns. The mask is
  per-thread state, so this is safe when several threads use the library.

  Errors: every result code other than CHORUS_OK raises EChorusError, built from the
  library's JSON error object. At start-up (initialization section) the CHORUS_*
  constants below are checked against chorus_result_name, and a mismatch raises
  EChorusBindingError.

  Threading: one TChorusClient may be used from several threads at once, but it must not
  be freed while another thread is still inside one of its methods. }
unit ChorusPro;

{$IFDEF FPC}
  {$MODE DELPHI}
{$ENDIF}

interface

uses
  SysUtils, Math;

const
{$IFDEF MSWINDOWS}
  ChorusLibraryName = 'chorus_pro.dll';
{$ELSE}
  {$IF Defined(DARWIN) or Defined(MACOS)}
  ChorusLibraryName = 'libchorus_pro.dylib';
  {$ELSE}
  ChorusLibraryName = 'libchorus_pro.so';
  {$IFEND}
{$ENDIF}

  { Result codes, with the names and values of chorus_pro.h. }
  CHORUS_OK = 0;
  CHORUS_ERR_NULL_ARGUMENT = 1001;
  CHORUS_ERR_INVALID_UTF8 = 1002;
  CHORUS_ERR_INVALID_JSON = 1003;
  CHORUS_ERR_INVALID_CONFIGURATION = 1004;
  CHORUS_ERR_NOT_CONFIGURED = 1005;
  CHORUS_ERR_INVALID_INVOICE = 1006;
  CHORUS_ERR_INVALID_QUERY = 1007;
  CHORUS_ERR_INPUT_TOO_LARGE = 1008;
  CHORUS_ERR_PISTE_CLIENT_REJECTED = 2001;
  CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED = 2002;
  CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED = 2003;
  CHORUS_ERR_API_ACCESS_DENIED = 2004;
  CHORUS_ERR_WRONG_ENVIRONMENT = 2005;
  CHORUS_ERR_ENDPOINT_NOT_FOUND = 2006;
  CHORUS_ERR_PORTAL_UNAVAILABLE = 3001;
  CHORUS_ERR_NETWORK = 3002;
  CHORUS_ERR_TIMEOUT = 3003;
  CHORUS_ERR_TLS = 3004;
  CHORUS_ERR_RATE_LIMITED = 3005;
  CHORUS_ERR_DNS = 3006;
  CHORUS_ERR_CONNECTION_REFUSED = 3007;
  CHORUS_ERR_PROXY = 3008;
  CHORUS_ERR_REJECTED = 4001;
  CHORUS_ERR_DUPLICATE_INVOICE = 4002;
  CHORUS_ERR_NOT_FOUND = 4003;
  CHORUS_ERR_UNEXPECTED_REPLY = 9001;
  CHORUS_ERR_PANIC = 9002;
  CHORUS_ERR_INTERNAL = 9003;

type
  TChorusResultEntry = record
    Code: Cardinal;
    Name: string;
  end;

const
  { Every constant above with its name in chorus_pro.h. }
  ChorusResultNames: array[0..28] of TChorusResultEntry = (
    (Code: CHORUS_OK; Name: 'CHORUS_OK'),
    (Code: CHORUS_ERR_NULL_ARGUMENT; Name: 'CHORUS_ERR_NULL_ARGUMENT'),
    (Code: CHORUS_ERR_INVALID_UTF8; Name: 'CHORUS_ERR_INVALID_UTF8'),
    (Code: CHORUS_ERR_INVALID_JSON; Name: 'CHORUS_ERR_INVALID_JSON'),
    (Code: CHORUS_ERR_INVALID_CONFIGURATION; Name: 'CHORUS_ERR_INVALID_CONFIGURATION'),
    (Code: CHORUS_ERR_NOT_CONFIGURED; Name: 'CHORUS_ERR_NOT_CONFIGURED'),
    (Code: CHORUS_ERR_INVALID_INVOICE; Name: 'CHORUS_ERR_INVALID_INVOICE'),
    (Code: CHORUS_ERR_INVALID_QUERY; Name: 'CHORUS_ERR_INVALID_QUERY'),
    (Code: CHORUS_ERR_INPUT_TOO_LARGE; Name: 'CHORUS_ERR_INPUT_TOO_LARGE'),
    (Code: CHORUS_ERR_PISTE_CLIENT_REJECTED; Name: 'CHORUS_ERR_PISTE_CLIENT_REJECTED'),
    (Code: CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED; Name: 'CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED'),
    (Code: CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED; Name: 'CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED'),
    (Code: CHORUS_ERR_API_ACCESS_DENIED; Name: 'CHORUS_ERR_API_ACCESS_DENIED'),
    (Code: CHORUS_ERR_WRONG_ENVIRONMENT; Name: 'CHORUS_ERR_WRONG_ENVIRONMENT'),
    (Code: CHORUS_ERR_ENDPOINT_NOT_FOUND; Name: 'CHORUS_ERR_ENDPOINT_NOT_FOUND'),
    (Code: CHORUS_ERR_PORTAL_UNAVAILABLE; Name: 'CHORUS_ERR_PORTAL_UNAVAILABLE'),
    (Code: CHORUS_ERR_NETWORK; Name: 'CHORUS_ERR_NETWORK'),
    (Code: CHORUS_ERR_TIMEOUT; Name: 'CHORUS_ERR_TIMEOUT'),
    (Code: CHORUS_ERR_TLS; Name: 'CHORUS_ERR_TLS'),
    (Code: CHORUS_ERR_RATE_LIMITED; Name: 'CHORUS_ERR_RATE_LIMITED'),
    (Code: CHORUS_ERR_DNS; Name: 'CHORUS_ERR_DNS'),
    (Code: CHORUS_ERR_CONNECTION_REFUSED; Name: 'CHORUS_ERR_CONNECTION_REFUSED'),
    (Code: CHORUS_ERR_PROXY; Name: 'CHORUS_ERR_PROXY'),
    (Code: CHORUS_ERR_REJECTED; Name: 'CHORUS_ERR_REJECTED'),
    (Code: CHORUS_ERR_DUPLICATE_INVOICE; Name: 'CHORUS_ERR_DUPLICATE_INVOICE'),
    (Code: CHORUS_ERR_NOT_FOUND; Name: 'CHORUS_ERR_NOT_FOUND'),
    (Code: CHORUS_ERR_UNEXPECTED_REPLY; Name: 'CHORUS_ERR_UNEXPECTED_REPLY'),
    (Code: CHORUS_ERR_PANIC; Name: 'CHORUS_ERR_PANIC'),
    (Code: CHORUS_ERR_INTERNAL; Name: 'CHORUS_ERR_INTERNAL'));

type
  { Floating-point exception mask: TFPUExceptionMask in FPC, TArithmeticExceptionMask in
    Delphi, both from the Math unit. }
{$IFDEF FPC}
  TChorusExceptionMask = TFPUExceptionMask;
{$ELSE}
  TChorusExceptionMask = TArithmeticExceptionMask;
{$ENDIF}

  { One field that failed validation, from the error object's "problems". }
  TChorusProblem = record
    Path: string;     { such as 'seller.siret' }
    Message: string;  { in the configured language }
  end;

  TChorusProblems = array of TChorusProblem;

  TChorusStringArray = array of string;

  { A call that returned a result code other than CHORUS_OK. Message is the library's
    message in the configured language. }
  EChorusError = class(Exception)
  private
    FCode: Cardinal;
    FName: string;
    FHint: string;
    FRetryable: Boolean;
    FHttpStatus: Integer;
    FProblems: TChorusProblems;
    FJson: string;
  public
    { Builds the exception from a result code and the library's error object. An error
      object that is empty or unreadable still gives the code and its name. }
    constructor CreateFromResult(ACode: Cardinal; const AJson: string);
    property Code: Cardinal read FCode;
    { Name of the code, such as 'CHORUS_ERR_TIMEOUT'. }
    property Name: string read FName;
    { What to check or change next, in the configured language. }
    property Hint: string read FHint;
    { Whether the same call may succeed later without any change. }
    property Retryable: Boolean read FRetryable;
    { HTTP status of the portal's reply, or 0 when no reply arrived. }
    property HttpStatus: Integer read FHttpStatus;
    { Fields that failed validation. Empty for other errors. }
    property Problems: TChorusProblems read FProblems;
    { The error object as received, with every field (details, codeRetour, ...). }
    property Json: string read FJson;
  end;

  { The CHORUS_* constants of this unit differ from the loaded library's, or the library
    is missing a function. }
  EChorusBindingError = class(Exception);

  { Malformed JSON given to ChorusJsonMember or ChorusJsonArrayItems. }
  EChorusJsonError = class(Exception);

  { One company file (dossier) on Chorus Pro: its configuration, HTTP connections and
    share of the process-wide token cache. The methods take and return the JSON
    documents described in the library's README and raise EChorusError for any result
    code other than CHORUS_OK. }
  TChorusClient = class
  private
    FHandle: Pointer;
  public
    { Raises EOutOfMemory if the library cannot allocate a handle. }
    constructor Create;
    destructor Destroy; override;
    { Sets the configuration and returns the effective one with secrets masked. A failed
      call keeps the previous configuration. }
    function Configure(const ConfigJson: string): string;
    { Obtains a token, calls the API with the technical account and lists the attached
      structures. Returns each step with its outcome and duration. }
    function TestConnection: string;
    { Validates the invoice, writes it as UBL 2.1 and deposits it. Returns flux_number,
      syntax, file_name, sha256 and size. A deposit is sent once: after
      CHORUS_ERR_TIMEOUT or CHORUS_ERR_NETWORK read the status before sending again. }
    function Submit(const InvoiceJson: string): string;
    // Reads the state of a deposit from a query such as '{"flux_number": "..."}'.
    // Succeeds whenever the portal replied, also for a rejected flux.
    function GetStatus(const QueryJson: string): string;
    // Looks a buyer up in the Chorus Pro directory from a query such as
    // '{"siret": "..."}'. Results are cached for one hour.
    function LookupBuyer(const QueryJson: string): string;
    // Lists the structures the technical account may invoice for, with their bank accounts.
    function ListSupplierStructures: string;
    // Responds to a suspended invoice: '{"portal_invoice_id": n, "comment": "..."}'.
    function CompleteInvoice(const RequestJson: string): string;
    // Routes again an invoice sent back for recycling:
    // '{"portal_invoice_id": n, "service_code": "..."}'.
    function RecycleInvoice(const RequestJson: string): string;
    { The native chorus_client pointer, owned by this object. }
    property Handle: Pointer read FHandle;
  end;

{ Returns the version of the loaded library, such as '0.1.0'. }
function ChorusVersion: string;

{ Returns the name of a result code, such as 'CHORUS_ERR_TIMEOUT', or 'UNKNOWN'. }
function ChorusResultName(Code: Cardinal): string;

{ Checks every CHORUS_* constant of this unit against the loaded library and raises
  EChorusBindingError on a mismatch. The initialization section calls it. }
procedure VerifyChorusResultCodes;

{ Reads the member Key of the JSON object Json: a string value is decoded, a number,
  true, false or null is returned as its literal text, an object or array as its JSON
  text. Returns '' when the member is absent. Raises EChorusJsonError if Json is not an
  object. }
function ChorusJsonMember(const Json, Key: string): string;

{ Returns the items of a JSON array, each as ChorusJsonMember returns values. }
function ChorusJsonArrayItems(const Json: string): TChorusStringArray;

{ Masks every floating-point exception on the calling thread and returns the previous
  mask, for code that calls the library's functions directly. }
function MaskChorusFloatExceptions: TChorusExceptionMask;

{ Clears the floating-point status flags and restores a mask saved by
  MaskChorusFloatExceptions. }
procedure RestoreChorusFloatExceptions(const Saved: TChorusExceptionMask);

implementation

{ ---- The C functions of chorus_pro.h, all cdecl. They do not apply the floating-point
  policy themselves: the wrappers below do. }

function chorus_client_new: Pointer; cdecl; external ChorusLibraryName;
procedure chorus_client_free(Client: Pointer); cdecl; external ChorusLibraryName;
function chorus_configure(Client: Pointer; ConfigJson: PAnsiChar; out OutJson: PAnsiChar): Cardinal;
  cdecl; external ChorusLibraryName;
function chorus_test_connection(Client: Pointer; out OutJson: PAnsiChar): Cardinal;
  cdecl; external ChorusLibraryName;
function chorus_submit(Client: Pointer; InvoiceJson: PAnsiChar; out OutJson: PAnsiChar): Cardinal;
  cdecl; external ChorusLibraryName;
function chorus_get_status(Client: Pointer; QueryJson: PAnsiChar; out OutJson: PAnsiChar): Cardinal;
  cdecl; external ChorusLibraryName;
function chorus_lookup_buyer(Client: Pointer; QueryJson: PAnsiChar; out OutJson: PAnsiChar): Cardinal;
  cdecl; external ChorusLibraryName;
function chorus_list_supplier_structures(Client: Pointer; out OutJson: PAnsiChar): Cardinal;
  cdecl; external ChorusLibraryName;
function chorus_complete_invoice(Client: Pointer; RequestJson: PAnsiChar;
  out OutJson: PAnsiChar): Cardinal; cdecl; external ChorusLibraryName;
function chorus_recycle_invoice(Client: Pointer; RequestJson: PAnsiChar;
  out OutJson: PAnsiChar): Cardinal; cdecl; external ChorusLibraryName;
procedure chorus_string_free(Text: PAnsiChar); cdecl; external ChorusLibraryName;
function chorus_version: PAnsiChar; cdecl; external ChorusLibraryName;
function chorus_result_name(Code: Cardinal): PAnsiChar; cdecl; external ChorusLibraryName;

{ ---- Floating-point exception mask }

function MaskChorusFloatExceptions: TChorusExceptionMask;
begin
  Result := SetExceptionMask([exInvalidOp, exDenormalized, exZeroDivide, exOverflow,
    exUnderflow, exPrecision]);
end;

procedure RestoreChorusFloatExceptions(const Saved: TChorusExceptionMask);
begin
  { Flags the library left set would otherwise raise at the caller's next floating-point
    instruction once the exceptions are unmasked again. }
  ClearExceptions(False);
  SetExceptionMask(Saved);
end;

{ ---- UTF-8 at the boundary }

function ToUtf8(const Text: string): UTF8String;
begin
  Result := UTF8String(Text);
end;

function FromUtf8(const Text: UTF8String): string;
begin
  Result := string(Text);
end;

{ Copies a NUL-terminated UTF-8 string from the library without freeing it. }
function CopyNativeString(Text: PAnsiChar): UTF8String;
var
  Count: Integer;
begin
  Result := '';
  if Text = nil then
    Exit;
  Count := 0;
  while Text[Count] <> #0 do
    Inc(Count);
  SetLength(Result, Count);
  if Count > 0 then
    Move(Text^, Result[1], Count);
end;

{ Encodes an argument. A NUL character would cut the C string short, so it is rejected. }
function ToNativeArgument(const Text, ArgumentName: string): UTF8String;
begin
  if Pos(#0, Text) > 0 then
    raise EArgumentException.CreateFmt('%s contains a NUL character, which the C API cannot take.',
      [ArgumentName]);
  Result := ToUtf8(Text);
end;

{ Decodes and releases a string returned through out_json, then raises EChorusError if
  Code is not CHORUS_OK. The one place where those strings are freed. }
function TakeResult(Code: Cardinal; Output: PAnsiChar): string;
var
  Json: UTF8String;
  Saved: TChorusExceptionMask;
begin
  try
    Json := CopyNativeString(Output);
  finally
    if Output <> nil then
    begin
      Saved := MaskChorusFloatExceptions;
      try
        chorus_string_free(Output);
      finally
        RestoreChorusFloatExceptions(Saved);
      end;
    end;
  end;
  Result := FromUtf8(Json);
  if Code <> CHORUS_OK then
    raise EChorusError.CreateFromResult(Code, Result);
end;

{ ---- A small JSON reader working on UTF-8 bytes, the same in Delphi and FPC }

const
  MaxJsonDepth = 512;

procedure JsonFail(Offset: Integer; const Problem: string);
begin
  raise EChorusJsonError.CreateFmt('Invalid JSON at byte %d: %s.', [Offset, Problem]);
end;

procedure SkipJsonWhitespace(const Json: UTF8String; var Index: Integer);
begin
  while (Index <= Length(Json)) and (Json[Index] in [' ', #9, #10, #13]) do
    Inc(Index);
end;

procedure ExpectJsonChar(const Json: UTF8String; var Index: Integer; Expected: AnsiChar);
begin
  if (Index > Length(Json)) or (Json[Index] <> Expected) then
    JsonFail(Index, 'expected ''' + string(Expected) + '''');
  Inc(Index);
end;

{ Bytes are stored by index, never by concatenating an AnsiChar to a UTF8String: Delphi
  would first convert that AnsiChar from the system code page. }
procedure AppendByte(var Text: UTF8String; var Count: Integer; Value: Byte);
begin
  if Count = Length(Text) then
    SetLength(Text, Count * 2 + 16);
  Inc(Count);
  Text[Count] := AnsiChar(Value);
end;

procedure AppendCodePoint(var Text: UTF8String; var Count: Integer; CodePoint: Cardinal);
begin
  if CodePoint < $80 then
    AppendByte(Text, Count, CodePoint)
  else if CodePoint < $800 then
  begin
    AppendByte(Text, Count, $C0 or (CodePoint shr 6));
    AppendByte(Text, Count, $80 or (CodePoint and $3F));
  end
  else if CodePoint < $10000 then
  begin
    AppendByte(Text, Count, $E0 or (CodePoint shr 12));
    AppendByte(Text, Count, $80 or ((CodePoint shr 6) and $3F));
    AppendByte(Text, Count, $80 or (CodePoint and $3F));
  end
  else
  begin
    AppendByte(Text, Count, $F0 or (CodePoint shr 18));
    AppendByte(Text, Count, $80 or ((CodePoint shr 12) and $3F));
    AppendByte(Text, Count, $80 or ((CodePoint shr 6) and $3F));
    AppendByte(Text, Count, $80 or (CodePoint and $3F));
  end;
end;

{ Copies Count bytes from Start without any code page conversion. }
function CopyBytes(const Text: UTF8String; Start, Count: Integer): UTF8String;
begin
  SetLength(Result, Count);
  if Count > 0 then
    Move(Text[Start], Result[1], Count);
end;

function ReadHexCodeUnit(const Json: UTF8String; var Index: Integer): Cardinal;
var
  I: Integer;
  Digit: AnsiChar;
begin
  Result := 0;
  if Index + 3 > Length(Json) then
    JsonFail(Index, 'truncated \u escape');
  for I := 0 to 3 do
  begin
    Digit := Json[Index + I];
    case Digit of
      '0'..'9': Result := Result * 16 + Cardinal(Ord(Digit) - Ord('0'));
      'a'..'f': Result := Result * 16 + Cardinal(Ord(Digit) - Ord('a') + 10);
      'A'..'F': Result := Result * 16 + Cardinal(Ord(Digit) - Ord('A') + 10);
    else
      JsonFail(Index + I, 'invalid \u escape');
    end;
  end;
  Inc(Index, 4);
end;

{ Reads the \uXXXX escape after the backslash and 'u', joining a surrogate pair into one
  code point. An unpaired surrogate becomes U+FFFD, because UTF-8 cannot encode it. }
function ReadUnicodeEscape(const Json: UTF8String; var Index: Integer): Cardinal;
var
  Low: Cardinal;
begin
  Result := ReadHexCodeUnit(Json, Index);
  if (Result >= $D800) and (Result <= $DBFF) and (Index + 1 <= Length(Json))
    and (Json[Index] = '\') and (Json[Index + 1] = 'u') then
  begin
    Inc(Index, 2);
    Low := ReadHexCodeUnit(Json, Index);
    if (Low >= $DC00) and (Low <= $DFFF) then
      Result := $10000 + ((Result - $D800) shl 10) + (Low - $DC00)
    else
      Result := $FFFD;
  end
  else if (Result >= $D800) and (Result <= $DFFF) then
    Result := $FFFD;
end;

function ReadJsonString(const Json: UTF8String; var Index: Integer): UTF8String;
var
  C: AnsiChar;
  Count: Integer;
begin
  Result := '';
  Count := 0;
  ExpectJsonChar(Json, Index, '"');
  while True do
  begin
    if Index > Length(Json) then
      JsonFail(Index, 'unterminated string');
    C := Json[Index];
    Inc(Index);
    if C = '"' then
      Break;
    if Ord(C) < $20 then
      JsonFail(Index - 1, 'control character in a string');
    if C <> '\' then
    begin
      AppendByte(Result, Count, Ord(C));
      Continue;
    end;
    if Index > Length(Json) then
      JsonFail(Index, 'unterminated escape');
    C := Json[Index];
    Inc(Index);
    case C of
      '"', '\', '/': AppendByte(Result, Count, Ord(C));
      'b': AppendByte(Result, Count, 8);
      'f': AppendByte(Result, Count, 12);
      'n': AppendByte(Result, Count, 10);
      'r': AppendByte(Result, Count, 13);
      't': AppendByte(Result, Count, 9);
      'u': AppendCodePoint(Result, Count, ReadUnicodeEscape(Json, Index));
    else
      JsonFail(Index - 1, 'invalid escape');
    end;
  end;
  SetLength(Result, Count);
end;

procedure SkipJsonValue(const Json: UTF8String; var Index: Integer; Depth: Integer); forward;

procedure SkipJsonLiteral(const Json: UTF8String; var Index: Integer; const Literal: UTF8String);
begin
  if CopyBytes(Json, Index, Min(Length(Literal), Length(Json) - Index + 1)) <> Literal then
    JsonFail(Index, 'expected ' + string(Literal));
  Inc(Index, Length(Literal));
end;

procedure SkipJsonDigits(const Json: UTF8String; var Index: Integer);
var
  Start: Integer;
begin
  Start := Index;
  while (Index <= Length(Json)) and (Json[Index] in ['0'..'9']) do
    Inc(Index);
  if Index = Start then
    JsonFail(Index, 'expected a digit');
end;

procedure SkipJsonNumber(const Json: UTF8String; var Index: Integer);
begin
  if Json[Index] = '-' then
    Inc(Index);
  if (Index < Length(Json)) and (Json[Index] = '0') and (Json[Index + 1] in ['0'..'9']) then
    JsonFail(Index, 'leading zero in a number');
  SkipJsonDigits(Json, Index);
  if (Index <= Length(Json)) and (Json[Index] = '.') then
  begin
    Inc(Index);
    SkipJsonDigits(Json, Index);
  end;
  if (Index <= Length(Json)) and (Json[Index] in ['e', 'E']) then
  begin
    Inc(Index);
    if (Index <= Length(Json)) and (Json[Index] in ['+', '-']) then
      Inc(Index);
    SkipJsonDigits(Json, Index);
  end;
end;

procedure SkipJsonObject(const Json: UTF8String; var Index: Integer; Depth: Integer);
begin
  ExpectJsonChar(Json, Index, '{');
  SkipJsonWhitespace(Json, Index);
  if (Index <= Length(Json)) and (Json[Index] = '}') then
  begin
    Inc(Index);
    Exit;
  end;
  while True do
  begin
    SkipJsonWhitespace(Json, Index);
    ReadJsonString(Json, Index);
    SkipJsonWhitespace(Json, Index);
    ExpectJsonChar(Json, Index, ':');
    SkipJsonValue(Json, Index, Depth + 1);
    SkipJsonWhitespace(Json, Index);
    if (Index <= Length(Json)) and (Json[Index] = ',') then
      Inc(Index)
    else
    begin
      ExpectJsonChar(Json, Index, '}');
      Exit;
    end;
  end;
end;

procedure SkipJsonArray(const Json: UTF8String; var Index: Integer; Depth: Integer);
begin
  ExpectJsonChar(Json, Index, '[');
  SkipJsonWhitespace(Json, Index);
  if (Index <= Length(Json)) and (Json[Index] = ']') then
  begin
    Inc(Index);
    Exit;
  end;
  while True do
  begin
    SkipJsonValue(Json, Index, Depth + 1);
    SkipJsonWhitespace(Json, Index);
    if (Index <= Length(Json)) and (Json[Index] = ',') then
      Inc(Index)
    else
    begin
      ExpectJsonChar(Json, Index, ']');
      Exit;
    end;
  end;
end;

procedure SkipJsonValue(const Json: UTF8String; var Index: Integer; Depth: Integer);
begin
  if Depth > MaxJsonDepth then
    JsonFail(Index, 'nesting deeper than ' + IntToStr(MaxJsonDepth));
  SkipJsonWhitespace(Json, Index);
  if Index > Length(Json) then
    JsonFail(Index, 'missing value');
  case Json[Index] of
    '{': SkipJsonObject(Json, Index, Depth);
    '[': SkipJsonArray(Json, Index, Depth);
    '"': ReadJsonString(Json, Index);
    't': SkipJsonLiteral(Json, Index, 'true');
    'f': SkipJsonLiteral(Json, Index, 'false');
    'n': SkipJsonLiteral(Json, Index, 'null');
    '-', '0'..'9': SkipJsonNumber(Json, Index);
  else
    JsonFail(Index, 'unexpected character');
  end;
end;

{ Returns the value starting at Index as ChorusJsonMember describes, and moves past it. }
function ReadJsonValueText(const Json: UTF8String; var Index: Integer): UTF8String;
var
  Start: Integer;
begin
  SkipJsonWhitespace(Json, Index);
  if (Index <= Length(Json)) and (Json[Index] = '"') then
  begin
    Result := ReadJsonString(Json, Index);
    Exit;
  end;
  Start := Index;
  SkipJsonValue(Json, Index, 1);
  Result := CopyBytes(Json, Start, Index - Start);
end;

procedure ExpectJsonEnd(const Json: UTF8String; var Index: Integer);
begin
  SkipJsonWhitespace(Json, Index);
  if Index <= Length(Json) then
    JsonFail(Index, 'unexpected text after the JSON value');
end;

function FindJsonMember(const Json, Key: UTF8String; out Value: UTF8String): Boolean;
var
  Index: Integer;
  MemberName: UTF8String;
  MemberValue: UTF8String;
begin
  Result := False;
  Value := '';
  Index := 1;
  SkipJsonWhitespace(Json, Index);
  ExpectJsonChar(Json, Index, '{');
  SkipJsonWhitespace(Json, Index);
  if (Index <= Length(Json)) and (Json[Index] = '}') then
  begin
    Inc(Index);
    ExpectJsonEnd(Json, Index);
    Exit;
  end;
  while True do
  begin
    SkipJsonWhitespace(Json, Index);
    MemberName := ReadJsonString(Json, Index);
    SkipJsonWhitespace(Json, Index);
    ExpectJsonChar(Json, Index, ':');
    MemberValue := ReadJsonValueText(Json, Index);
    { A repeated key keeps its last value, as most JSON parsers do. }
    if MemberName = Key then
    begin
      Value := MemberValue;
      Result := True;
    end;
    SkipJsonWhitespace(Json, Index);
    if (Index <= Length(Json)) and (Json[Index] = ',') then
      Inc(Index)
    else
    begin
      ExpectJsonChar(Json, Index, '}');
      ExpectJsonEnd(Json, Index);
      Exit;
    end;
  end;
end;

function ChorusJsonMember(const Json, Key: string): string;
var
  Value: UTF8String;
begin
  if FindJsonMember(ToUtf8(Json), ToUtf8(Key), Value) then
    Result := FromUtf8(Value)
  else
    Result := '';
end;

function ChorusJsonArrayItems(const Json: string): TChorusStringArray;
var
  Text: UTF8String;
  Index: Integer;
  Count: Integer;
begin
  Result := nil;
  Text := ToUtf8(Json);
  Index := 1;
  SkipJsonWhitespace(Text, Index);
  ExpectJsonChar(Text, Index, '[');
  SkipJsonWhitespace(Text, Index);
  if (Index <= Length(Text)) and (Text[Index] = ']') then
  begin
    Inc(Index);
    ExpectJsonEnd(Text, Index);
    Exit;
  end;
  Count := 0;
  while True do
  begin
    SetLength(Result, Count + 1);
    Result[Count] := FromUtf8(ReadJsonValueText(Text, Index));
    Inc(Count);
    SkipJsonWhitespace(Text, Index);
    if (Index <= Length(Text)) and (Text[Index] = ',') then
      Inc(Index)
    else
    begin
      ExpectJsonChar(Text, Index, ']');
      ExpectJsonEnd(Text, Index);
      Exit;
    end;
  end;
end;

{ ---- EChorusError }

constructor EChorusError.CreateFromResult(ACode: Cardinal; const AJson: string);
var
  ErrorMessage: string;
  ProblemsJson: string;
  ProblemItems: TChorusStringArray;
  I: Integer;
begin
  FCode := ACode;
  FJson := AJson;
  FName := '';
  ErrorMessage := '';
  FHint := '';
  FRetryable := False;
  FHttpStatus := 0;
  FProblems := nil;
  try
    FName := ChorusJsonMember(AJson, 'name');
    ErrorMessage := ChorusJsonMember(AJson, 'message');
    FHint := ChorusJsonMember(AJson, 'hint');
    FRetryable := ChorusJsonMember(AJson, 'retryable') = 'true';
    FHttpStatus := StrToIntDef(ChorusJsonMember(AJson, 'http_status'), 0);
    ProblemItems := nil;
    ProblemsJson := ChorusJsonMember(AJson, 'problems');
    if ProblemsJson <> '' then
      ProblemItems := ChorusJsonArrayItems(ProblemsJson);
    SetLength(FProblems, Length(ProblemItems));
    for I := 0 to High(ProblemItems) do
    begin
      FProblems[I].Path := ChorusJsonMember(ProblemItems[I], 'path');
      FProblems[I].Message := ChorusJsonMember(ProblemItems[I], 'message');
    end;
  except
    { A malformed object keeps the fields read before the error, and the rest keep defaults. }
    on EChorusJsonError do
      FProblems := nil;
  end;
  if FName = '' then
    FName := ChorusResultName(ACode);
  if ErrorMessage = '' then
    ErrorMessage := 'The call failed with ' + FName + ' and no readable error object.';
  inherited Create(ErrorMessage);
end;

{ ---- TChorusClient }

constructor TChorusClient.Create;
var
  Saved: TChorusExceptionMask;
begin
  inherited Create;
  Saved := MaskChorusFloatExceptions;
  try
    FHandle := chorus_client_new;
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  if FHandle = nil then
    raise EOutOfMemory.Create('chorus_client_new returned nil: out of memory.');
end;

destructor TChorusClient.Destroy;
var
  Saved: TChorusExceptionMask;
begin
  if FHandle <> nil then
  begin
    Saved := MaskChorusFloatExceptions;
    try
      chorus_client_free(FHandle);
    finally
      RestoreChorusFloatExceptions(Saved);
    end;
    FHandle := nil;
  end;
  inherited Destroy;
end;

function TChorusClient.Configure(const ConfigJson: string): string;
var
  Argument: UTF8String;
  Output: PAnsiChar;
  Code: Cardinal;
  Saved: TChorusExceptionMask;
begin
  Argument := ToNativeArgument(ConfigJson, 'ConfigJson');
  Saved := MaskChorusFloatExceptions;
  try
    Code := chorus_configure(FHandle, PAnsiChar(Argument), Output);
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  Result := TakeResult(Code, Output);
end;

function TChorusClient.TestConnection: string;
var
  Output: PAnsiChar;
  Code: Cardinal;
  Saved: TChorusExceptionMask;
begin
  Saved := MaskChorusFloatExceptions;
  try
    Code := chorus_test_connection(FHandle, Output);
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  Result := TakeResult(Code, Output);
end;

function TChorusClient.Submit(const InvoiceJson: string): string;
var
  Argument: UTF8String;
  Output: PAnsiChar;
  Code: Cardinal;
  Saved: TChorusExceptionMask;
begin
  Argument := ToNativeArgument(InvoiceJson, 'InvoiceJson');
  Saved := MaskChorusFloatExceptions;
  try
    Code := chorus_submit(FHandle, PAnsiChar(Argument), Output);
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  Result := TakeResult(Code, Output);
end;

function TChorusClient.GetStatus(const QueryJson: string): string;
var
  Argument: UTF8String;
  Output: PAnsiChar;
  Code: Cardinal;
  Saved: TChorusExceptionMask;
begin
  Argument := ToNativeArgument(QueryJson, 'QueryJson');
  Saved := MaskChorusFloatExceptions;
  try
    Code := chorus_get_status(FHandle, PAnsiChar(Argument), Output);
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  Result := TakeResult(Code, Output);
end;

function TChorusClient.LookupBuyer(const QueryJson: string): string;
var
  Argument: UTF8String;
  Output: PAnsiChar;
  Code: Cardinal;
  Saved: TChorusExceptionMask;
begin
  Argument := ToNativeArgument(QueryJson, 'QueryJson');
  Saved := MaskChorusFloatExceptions;
  try
    Code := chorus_lookup_buyer(FHandle, PAnsiChar(Argument), Output);
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  Result := TakeResult(Code, Output);
end;

function TChorusClient.ListSupplierStructures: string;
var
  Output: PAnsiChar;
  Code: Cardinal;
  Saved: TChorusExceptionMask;
begin
  Saved := MaskChorusFloatExceptions;
  try
    Code := chorus_list_supplier_structures(FHandle, Output);
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  Result := TakeResult(Code, Output);
end;

function TChorusClient.CompleteInvoice(const RequestJson: string): string;
var
  Argument: UTF8String;
  Output: PAnsiChar;
  Code: Cardinal;
  Saved: TChorusExceptionMask;
begin
  Argument := ToNativeArgument(RequestJson, 'RequestJson');
  Saved := MaskChorusFloatExceptions;
  try
    Code := chorus_complete_invoice(FHandle, PAnsiChar(Argument), Output);
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  Result := TakeResult(Code, Output);
end;

function TChorusClient.RecycleInvoice(const RequestJson: string): string;
var
  Argument: UTF8String;
  Output: PAnsiChar;
  Code: Cardinal;
  Saved: TChorusExceptionMask;
begin
  Argument := ToNativeArgument(RequestJson, 'RequestJson');
  Saved := MaskChorusFloatExceptions;
  try
    Code := chorus_recycle_invoice(FHandle, PAnsiChar(Argument), Output);
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  Result := TakeResult(Code, Output);
end;

{ ---- Library-wide functions }

function ChorusVersion: string;
var
  Saved: TChorusExceptionMask;
  Version: PAnsiChar;
begin
  Saved := MaskChorusFloatExceptions;
  try
    Version := chorus_version;
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  Result := FromUtf8(CopyNativeString(Version));
end;

function ChorusResultName(Code: Cardinal): string;
var
  Saved: TChorusExceptionMask;
  Name: PAnsiChar;
begin
  Saved := MaskChorusFloatExceptions;
  try
    Name := chorus_result_name(Code);
  finally
    RestoreChorusFloatExceptions(Saved);
  end;
  Result := FromUtf8(CopyNativeString(Name));
end;

procedure VerifyChorusResultCodes;
var
  I: Integer;
  LibraryName: string;
  Mismatches: string;
begin
  Mismatches := '';
  for I := Low(ChorusResultNames) to High(ChorusResultNames) do
  begin
    LibraryName := ChorusResultName(ChorusResultNames[I].Code);
    if LibraryName <> ChorusResultNames[I].Name then
    begin
      if Mismatches <> '' then
        Mismatches := Mismatches + '; ';
      Mismatches := Mismatches + Format('%d is %s in ChorusPro.pas but %s in the library',
        [ChorusResultNames[I].Code, ChorusResultNames[I].Name, LibraryName]);
    end;
  end;
  if Mismatches <> '' then
    raise EChorusBindingError.Create('ChorusPro.pas does not match the loaded ' + ChorusLibraryName
      + ' ' + ChorusVersion + ': ' + Mismatches + '. Use ChorusPro.pas from the same release as the library.');
end;

initialization
  VerifyChorusResultCodes;

end.

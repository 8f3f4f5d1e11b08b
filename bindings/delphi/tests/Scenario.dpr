{ End-to-end scenario for the Delphi / Free Pascal binding, run against the real library
  and a running chorus-sandbox.

  Build: fpc -Mdelphi -Fu../ -Fl<folder of libchorus_pro.so> Scenario.dpr
  Usage: Scenario [INVOICE.json [chorus_pro.h]]
  Environment: SANDBOX_URL (required), the sandbox's base URL such as http://127.0.0.1:PORT.
  The paths default to the repository's sample invoice and header, relative to the
  repository root. Prints one line per check, then "N passed, M failed"; exits with 1 if
  any check failed. }
program Scenario;

{$IFDEF FPC}
  {$MODE DELPHI}
{$ENDIF}
{$IFDEF MSWINDOWS}
  {$APPTYPE CONSOLE}
{$ENDIF}

uses
{$IFDEF FPC}
  {$IFDEF UNIX}
  cthreads,  { TThread needs a thread manager on Unix }
  cwstring,  { code page conversions for string <-> UTF8String, see ChorusPro.pas }
  {$ENDIF}
{$ENDIF}
  SysUtils, Classes, Math, ChorusPro;

const
  SampleNumber = 'F124212';
  SampleSellerSiret = '99999999800019';
  MaxPolls = 200;
  PollIntervalMilliseconds = 200;
  ThreadCount = 4;

var
  Passed: Integer = 0;
  Failed: Integer = 0;
  { 'Société Générale – café 𝄞', built from its UTF-8 bytes so the test does not depend
    on the source file's code page. }
  NonAsciiAccountName: string;

procedure Check(const Name: string; Condition: Boolean; const Detail: string);
begin
  if Condition then
  begin
    Inc(Passed);
    WriteLn('PASS ', Name);
  end
  else
  begin
    Inc(Failed);
    WriteLn('FAIL ', Name, ': ', Detail);
  end;
end;

function Describe(E: Exception): string;
var
  ChorusError: EChorusError;
begin
  if E is EChorusError then
  begin
    ChorusError := EChorusError(E);
    Result := Format('%s (%d), HTTP %d: %s', [ChorusError.Name, ChorusError.Code,
      ChorusError.HttpStatus, ChorusError.Json]);
  end
  else
    Result := E.ClassName + ': ' + E.Message;
end;

function ReadTextFile(const Path: string): string;
var
  Stream: TFileStream;
  Bytes: UTF8String;
begin
  Stream := TFileStream.Create(Path, fmOpenRead or fmShareDenyWrite);
  try
    SetLength(Bytes, Stream.Size);
    if Stream.Size > 0 then
      Stream.ReadBuffer(Bytes[1], Stream.Size);
  finally
    Stream.Free;
  end;
  Result := string(Bytes);
end;

function Utf8BytesToString(const Bytes: array of Byte): string;
var
  Text: UTF8String;
  I: Integer;
begin
  SetLength(Text, Length(Bytes));
  for I := 0 to High(Bytes) do
    Text[I + 1] := AnsiChar(Bytes[I]);
  Result := string(Text);
end;

function JsonQuote(const Text: string): string;
var
  I: Integer;
begin
  Result := '"';
  for I := 1 to Length(Text) do
    if (Text[I] = '"') or (Text[I] = '\') then
      Result := Result + '\' + Text[I]
    else if Ord(Text[I]) < 32 then
      Result := Result + '\u' + IntToHex(Ord(Text[I]), 4)
    else
      Result := Result + Text[I];
  Result := Result + '"';
end;

function SandboxConfiguration(const SandboxUrl, TechnicalPassword: string): string;
begin
  Result := '{' +
    '"environment": "qualification",' +
    '"token_url": ' + JsonQuote(SandboxUrl + '/api/oauth/token') + ',' +
    '"base_url": ' + JsonQuote(SandboxUrl) + ',' +
    '"client_id": "sandbox-client-id",' +
    '"client_secret": "sandbox-client-secret",' +
    '"technical_login": "TECH_1_sandbox@cpro.fr",' +
    '"technical_password": ' + JsonQuote(TechnicalPassword) + ',' +
    '"bank_account": {"iban": "FR7630006000011234567890189", "bic": "AGRIFRPP882",' +
    ' "account_name": ' + JsonQuote(NonAsciiAccountName) + '},' +
    '"language": "fr",' +
    '"timeout_seconds": 30' +
    '}';
end;

function HasProblem(E: EChorusError; const PathPart: string): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 0 to High(E.Problems) do
    if Pos(LowerCase(PathPart), LowerCase(E.Problems[I].Path)) > 0 then
      Result := True;
end;

{ ---- Checks }

procedure CheckConstantsAgainstLibrary;
var
  Verified: Boolean;
  Problem: string;
begin
  Verified := True;
  Problem := '';
  try
    VerifyChorusResultCodes;
  except
    on E: EChorusBindingError do
    begin
      Verified := False;
      Problem := E.Message;
    end;
  end;
  Check('VerifyChorusResultCodes passes', Verified, Problem);
  Check('unused code 1 is UNKNOWN', ChorusResultName(1) = 'UNKNOWN', ChorusResultName(1));
  Check('version is not empty', ChorusVersion <> '', 'empty');
end;

{ Compares the unit's table with the CHORUS_* constants of the C header, so a code added
  to the library but not to the unit fails here. }
procedure CheckConstantsAgainstHeader(const HeaderPath: string);
var
  Lines: TStringList;
  Line, Name, ValueText: string;
  I, J, EqualsAt, Value: Integer;
  Found: Boolean;
  HeaderCount: Integer;
  Missing, Extra: string;
  HeaderNames: TStringList;
begin
  Lines := TStringList.Create;
  HeaderNames := TStringList.Create;
  try
    Lines.LoadFromFile(HeaderPath);
    Missing := '';
    HeaderCount := 0;
    for I := 0 to Lines.Count - 1 do
    begin
      Line := Trim(Lines[I]);
      EqualsAt := Pos('=', Line);
      if (Copy(Line, 1, 7) <> 'CHORUS_') or (EqualsAt = 0) or (Line[Length(Line)] <> ',') then
        Continue;
      Name := Trim(Copy(Line, 1, EqualsAt - 1));
      ValueText := Trim(Copy(Line, EqualsAt + 1, Length(Line) - EqualsAt - 1));
      Value := StrToIntDef(ValueText, -1);
      if Value < 0 then
        Continue;
      Inc(HeaderCount);
      HeaderNames.Add(Name);
      Found := False;
      for J := Low(ChorusResultNames) to High(ChorusResultNames) do
        if (ChorusResultNames[J].Name = Name) and (Integer(ChorusResultNames[J].Code) = Value) then
          Found := True;
      if not Found then
        Missing := Missing + ' ' + Name + ' = ' + ValueText;
    end;
    Check('header lists result codes', HeaderCount > 0, 'no CHORUS_* constant found in ' + HeaderPath);
    Check('every header code is in the unit', Missing = '', Missing);
    Extra := '';
    for J := Low(ChorusResultNames) to High(ChorusResultNames) do
      if HeaderNames.IndexOf(ChorusResultNames[J].Name) < 0 then
        Extra := Extra + ' ' + ChorusResultNames[J].Name;
    Check('every unit code is in the header', Extra = '', Extra);
  finally
    HeaderNames.Free;
    Lines.Free;
  end;
end;

procedure CheckJsonReader;
const
  Invalid: array[0..9] of string = ('', '{', '{"a": [1,]}', '{"a" 1}', '{"a": "abc',
    '{"a": tru}', '{"a": 01}', '{"a": 1x}', '{} {}', '{"a": "\x"}');
var
  Json, Items: string;
  ItemList: TChorusStringArray;
  Rejected: Boolean;
  I: Integer;
begin
  Json := '{"a": [1, -2.5e1, true, null, {"b": "c"}], "s": "x\"\u00e9\ud834\udd1e\n", ' +
    '"s": "last", "n": 9007199254740993, "o": {"k": [ ]}}';
  Items := ChorusJsonMember(Json, 'a');
  ItemList := ChorusJsonArrayItems(Items);
  Check('json array has 5 items', Length(ItemList) = 5, Items);
  if Length(ItemList) = 5 then
  begin
    Check('json number literal', (ItemList[0] = '1') and (ItemList[1] = '-2.5e1'), Items);
    Check('json true and null literals', (ItemList[2] = 'true') and (ItemList[3] = 'null'), Items);
    Check('json nested object', ChorusJsonMember(ItemList[4], 'b') = 'c', ItemList[4]);
  end;
  Check('json repeated key keeps last', ChorusJsonMember(Json, 's') = 'last', ChorusJsonMember(Json, 's'));
  Check('json large integer text', ChorusJsonMember(Json, 'n') = '9007199254740993', ChorusJsonMember(Json, 'n'));
  Check('json absent member is empty', ChorusJsonMember(Json, 'missing') = '', 'not empty');
  Check('json empty array', Length(ChorusJsonArrayItems(ChorusJsonMember(ChorusJsonMember(Json, 'o'), 'k'))) = 0,
    ChorusJsonMember(Json, 'o'));
  Check('json escapes decoded',
    ChorusJsonMember('{"s": "x\"\u00e9\ud834\udd1e\n"}', 's')
      = 'x"' + Utf8BytesToString([$C3, $A9, $F0, $9D, $84, $9E]) + #10,
    ChorusJsonMember('{"s": "x\"\u00e9\ud834\udd1e\n"}', 's'));

  for I := Low(Invalid) to High(Invalid) do
  begin
    Rejected := False;
    try
      ChorusJsonMember(Invalid[I], 'a');
    except
      on EChorusJsonError do
        Rejected := True;
    end;
    Check('json rejects ' + Invalid[I], Rejected, 'parsed without error');
  end;
end;

procedure CheckArguments;
var
  Client: TChorusClient;
  Raised: Boolean;
begin
  Client := TChorusClient.Create;
  try
    Raised := False;
    try
      Client.Configure('{"a":"x' + #0 + 'y"}');
    except
      on EArgumentException do
        Raised := True;
    end;
    Check('NUL character raises EArgumentException', Raised, 'no exception');
  finally
    Client.Free;
  end;
end;

procedure CheckNotConfigured;
var
  Client: TChorusClient;
begin
  Client := TChorusClient.Create;
  try
    try
      Client.TestConnection;
      Check('unconfigured handle raises EChorusError', False, 'no exception');
    except
      on E: EChorusError do
      begin
        Check('unconfigured handle raises EChorusError', True, '');
        Check('unconfigured code', E.Code = CHORUS_ERR_NOT_CONFIGURED, Describe(E));
        Check('unconfigured name', E.Name = 'CHORUS_ERR_NOT_CONFIGURED', Describe(E));
        Check('unconfigured message not empty', E.Message <> '', Describe(E));
      end;
    end;
  finally
    Client.Free;
  end;
end;

procedure CheckInvalidConfiguration;
var
  Client: TChorusClient;
begin
  Client := TChorusClient.Create;
  try
    try
      Client.Configure('{"language": "en"}');
      Check('incomplete configuration raises EChorusError', False, 'no exception');
    except
      on E: EChorusError do
      begin
        Check('incomplete configuration code', E.Code = CHORUS_ERR_INVALID_CONFIGURATION, Describe(E));
        Check('incomplete configuration lists client_id', HasProblem(E, 'client_id'), Describe(E));
      end;
    end;
    try
      Client.Configure('{not json');
      Check('malformed configuration raises EChorusError', False, 'no exception');
    except
      on E: EChorusError do
        Check('malformed configuration code is INVALID_JSON', E.Code = CHORUS_ERR_INVALID_JSON, Describe(E));
    end;
  finally
    Client.Free;
  end;
end;

type
  { Reads the status of one flux through a shared client. }
  TStatusThread = class(TThread)
  private
    FClient: TChorusClient;
    FQuery: string;
    FState: string;
  protected
    procedure Execute; override;
  public
    constructor Create(Client: TChorusClient; const Query: string);
    property State: string read FState;
  end;

constructor TStatusThread.Create(Client: TChorusClient; const Query: string);
begin
  FClient := Client;
  FQuery := Query;
  inherited Create(False);
end;

procedure TStatusThread.Execute;
begin
  try
    FState := ChorusJsonMember(FClient.GetStatus(FQuery), 'state');
  except
    on E: Exception do
      FState := Describe(E);
  end;
end;

{ Several threads read the status through one handle at the same time. }
procedure CheckConcurrentStatus(Client: TChorusClient; const Query: string);
var
  Threads: array[0..ThreadCount - 1] of TStatusThread;
  I: Integer;
  AllIntegrated: Boolean;
  States: string;
begin
  for I := 0 to ThreadCount - 1 do
    Threads[I] := TStatusThread.Create(Client, Query);
  AllIntegrated := True;
  States := '';
  for I := 0 to ThreadCount - 1 do
  begin
    Threads[I].WaitFor;
    if Threads[I].State <> 'IN_INTEGRE' then
      AllIntegrated := False;
    States := States + ' | ' + Threads[I].State;
    Threads[I].Free;
  end;
  Check('concurrent status on one handle', AllIntegrated, States);
end;

procedure CheckDeposit(const SandboxUrl, SampleInvoice: string);
var
  Client: TChorusClient;
  Configuration, Connection, Deposit, FluxNumber, Query, Status, Number: string;
  Polls: Integer;
  MaskBefore: TChorusExceptionMask;
begin
  Client := TChorusClient.Create;
  try
    MaskBefore := GetExceptionMask;
    Configuration := Client.Configure(SandboxConfiguration(SandboxUrl, 'sandbox-technical-password'));
    Check('floating-point mask restored after a call', GetExceptionMask = MaskBefore, 'mask changed');
    Check('configure masks the client secret', Pos('sandbox-client-secret', Configuration) = 0, Configuration);
    Check('configure masks the technical password',
      Pos('sandbox-technical-password', Configuration) = 0, Configuration);
    Check('configure round-trips UTF-8 text',
      ChorusJsonMember(ChorusJsonMember(Configuration, 'bank_account'), 'account_name') = NonAsciiAccountName,
      Configuration);

    Connection := Client.TestConnection;
    Check('test connection lists steps', Copy(ChorusJsonMember(Connection, 'steps'), 1, 1) = '[', Connection);

    Number := 'PAS' + FormatDateTime('yymmddhhnnsszzz', Now);
    Deposit := Client.Submit(StringReplace(SampleInvoice, SampleNumber, Number, [rfReplaceAll]));
    FluxNumber := ChorusJsonMember(Deposit, 'flux_number');
    Check('submit returns a flux number', FluxNumber <> '', Deposit);
    if FluxNumber = '' then
      Exit;

    Query := '{"flux_number": ' + JsonQuote(FluxNumber) + '}';
    Status := '';
    Polls := 0;
    while Polls < MaxPolls do
    begin
      Inc(Polls);
      Status := Client.GetStatus(Query);
      if ChorusJsonMember(Status, 'final') = 'true' then
        Break;
      Sleep(PollIntervalMilliseconds);
    end;
    Check('status becomes final', ChorusJsonMember(Status, 'final') = 'true',
      Format('still not final after %d polls: %s', [Polls, Status]));
    Check('flux state is IN_INTEGRE', ChorusJsonMember(Status, 'state') = 'IN_INTEGRE', Status);
    WriteLn(Format('  flux %s final after %d polls', [FluxNumber, Polls]));

    CheckConcurrentStatus(Client, Query);
  finally
    Client.Free;
  end;
end;

procedure CheckWrongTechnicalPassword(const SandboxUrl: string);
var
  Client: TChorusClient;
begin
  Client := TChorusClient.Create;
  try
    Client.Configure(SandboxConfiguration(SandboxUrl, 'wrong-password'));
    try
      Client.TestConnection;
      Check('wrong password raises EChorusError', False, 'no exception');
    except
      on E: EChorusError do
      begin
        Check('wrong password raises EChorusError', True, '');
        Check('wrong password name', E.Name = 'CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED', Describe(E));
        Check('wrong password code', E.Code = CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED, Describe(E));
        Check('wrong password HTTP status 401', E.HttpStatus = 401, Describe(E));
        Check('wrong password not retryable', not E.Retryable, Describe(E));
        Check('wrong password has a hint', E.Hint <> '', Describe(E));
        Check('error JSON omits the password', Pos('wrong-password', E.Json) = 0, E.Json);
      end;
    end;
  finally
    Client.Free;
  end;
end;

procedure CheckInvalidInvoice(const SandboxUrl, SampleInvoice: string);
var
  Client: TChorusClient;
begin
  Client := TChorusClient.Create;
  try
    Client.Configure(SandboxConfiguration(SandboxUrl, 'sandbox-technical-password'));
    try
      Client.Submit(StringReplace(SampleInvoice, SampleSellerSiret, '12345678901234', [rfReplaceAll]));
      Check('invalid SIRET raises EChorusError', False, 'no exception');
    except
      on E: EChorusError do
      begin
        Check('invalid SIRET raises EChorusError', True, '');
        Check('invalid SIRET name', E.Name = 'CHORUS_ERR_INVALID_INVOICE', Describe(E));
        Check('invalid SIRET code', E.Code = CHORUS_ERR_INVALID_INVOICE, Describe(E));
        Check('invalid SIRET has problems', Length(E.Problems) > 0, Describe(E));
        Check('invalid SIRET problem names siret', HasProblem(E, 'siret'), Describe(E));
        Check('invalid SIRET has no HTTP status', E.HttpStatus = 0, Describe(E));
      end;
    end;
    try
      Client.Submit('{"not": "an invoice"}');
      Check('unrelated JSON is an invalid invoice', False, 'no exception');
    except
      on E: EChorusError do
        Check('unrelated JSON is an invalid invoice',
          (E.Code = CHORUS_ERR_INVALID_INVOICE) and (Length(E.Problems) > 0), Describe(E));
    end;
  finally
    Client.Free;
  end;
end;

procedure CheckBuyerLookup(const SandboxUrl: string);
var
  Client: TChorusClient;
  Buyer, Structures: string;
begin
  Client := TChorusClient.Create;
  try
    Client.Configure(SandboxConfiguration(SandboxUrl, 'sandbox-technical-password'));
    Buyer := Client.LookupBuyer('{"siret": "11000201100044"}');
    Check('buyer requires a service code', ChorusJsonMember(Buyer, 'requirement') = 'service_code', Buyer);
    Structures := Client.ListSupplierStructures;
    Check('supplier structures listed', Pos(SampleSellerSiret, Structures) > 0, Structures);
    try
      Client.LookupBuyer('{"siret": "35600000000048"}');
      Check('unknown buyer raises EChorusError', False, 'no exception');
    except
      on E: EChorusError do
        Check('unknown buyer code is CHORUS_ERR_NOT_FOUND', E.Code = CHORUS_ERR_NOT_FOUND, Describe(E));
    end;
  finally
    Client.Free;
  end;
end;

{ Runs one group of checks; an unexpected exception counts as one failed check. }
type
  TStep = procedure;

procedure RunStep(const Name: string; Step: TStep);
begin
  WriteLn('# ', Name);
  try
    Step;
  except
    on E: Exception do
      Check(Name + ' ran without exception', False, Describe(E));
  end;
end;

var
  InvoicePath, HeaderPath, SandboxUrl, SampleInvoice: string;

procedure StepConstantsAgainstHeader;
begin
  CheckConstantsAgainstHeader(HeaderPath);
end;

procedure StepDeposit;
begin
  CheckDeposit(SandboxUrl, SampleInvoice);
end;

procedure StepWrongTechnicalPassword;
begin
  CheckWrongTechnicalPassword(SandboxUrl);
end;

procedure StepInvalidInvoice;
begin
  CheckInvalidInvoice(SandboxUrl, SampleInvoice);
end;

procedure StepBuyerLookup;
begin
  CheckBuyerLookup(SandboxUrl);
end;

begin
  NonAsciiAccountName := 'Soci' + Utf8BytesToString([$C3, $A9]) + 't' + Utf8BytesToString([$C3, $A9])
    + ' G' + Utf8BytesToString([$C3, $A9]) + 'n' + Utf8BytesToString([$C3, $A9]) + 'rale '
    + Utf8BytesToString([$E2, $80, $93]) + ' caf' + Utf8BytesToString([$C3, $A9]) + ' '
    + Utf8BytesToString([$F0, $9D, $84, $9E]);
  InvoicePath := 'examples/invoices/facturx-ubl-21-en16931.json';
  HeaderPath := 'include/chorus_pro.h';
  if ParamCount >= 1 then
    InvoicePath := ParamStr(1);
  if ParamCount >= 2 then
    HeaderPath := ParamStr(2);
  SandboxUrl := GetEnvironmentVariable('SANDBOX_URL');
  if SandboxUrl = '' then
  begin
    WriteLn(ErrOutput, 'SANDBOX_URL is not set: start chorus-sandbox and export its base URL.');
    Halt(2);
  end;
  SampleInvoice := ReadTextFile(InvoicePath);
  WriteLn('chorus-pro ', ChorusVersion, ' at ', SandboxUrl);

  RunStep('result constants match library', CheckConstantsAgainstLibrary);
  RunStep('result constants match header', StepConstantsAgainstHeader);
  RunStep('json reader', CheckJsonReader);
  RunStep('argument checks', CheckArguments);
  RunStep('unconfigured handle', CheckNotConfigured);
  RunStep('invalid configuration', CheckInvalidConfiguration);
  RunStep('deposit until integrated', StepDeposit);
  RunStep('wrong technical password', StepWrongTechnicalPassword);
  RunStep('invalid invoice', StepInvalidInvoice);
  RunStep('buyer look-up', StepBuyerLookup);

  WriteLn(Format('%d passed, %d failed', [Passed, Failed]));
  if Failed > 0 then
    Halt(1);
end.

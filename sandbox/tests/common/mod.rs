//! Helpers shared by the integration tests: start the real binary, talk HTTP/1.1
//! over a plain TCP socket, and build invoice files.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

pub const CLIENT_ID: &str = "sandbox-client-id";
pub const CLIENT_SECRET: &str = "sandbox-client-secret";
pub const TECH_LOGIN: &str = "TECH_1_sandbox@cpro.fr";
pub const TECH_PASSWORD: &str = "sandbox-technical-password";
pub const SUPPLIER_SIRET: &str = "99999999800019";
pub const OTHER_SUPPLIER_SIRET: &str = "73282932000074";
pub const BUYER_SIRET: &str = "78787878400018";
pub const SUPPLIER_ID: i64 = 25531;
pub const BUYER_ID: i64 = 26300;
pub const UBL: &str = "IN_DP_E1_UBL_INVOICE";
pub const CII: &str = "IN_DP_E1_CII_16B";

const IO_TIMEOUT: Duration = Duration::from_secs(15);

/// A running `chorus-sandbox` process, killed when dropped.
pub struct Sandbox {
    child: Child,
    pub address: SocketAddr,
    pub base_url: String,
}

impl Sandbox {
    /// Starts the binary on a free port with `--quiet` and the given extra arguments.
    pub fn start(arguments: &[&str]) -> Sandbox {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chorus-sandbox"))
            .args(["--port", "0", "--quiet"])
            .args(arguments)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start chorus-sandbox");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("cannot read the start-up line");
        let base_url = line
            .trim_end()
            .strip_prefix("chorus-sandbox listening on ")
            .unwrap_or_else(|| panic!("unexpected start-up line {line:?}"))
            .to_string();
        let address = base_url
            .strip_prefix("http://")
            .and_then(|address| address.parse().ok())
            .unwrap_or_else(|| panic!("cannot parse the address in {base_url:?}"));
        Sandbox {
            child,
            address,
            base_url,
        }
    }

    /// Waits for the process to exit on its own, for at most `timeout`.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends one request with `Connection: close` and reads the whole reply.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let raw = send_raw(
            self.address,
            &build_request(self.address, method, path, headers, body),
        )
        .unwrap_or_else(|error| panic!("{method} {path} failed: {error}"));
        parse_response(&raw)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], b"")
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
    }

    /// Requests a token for the given PISTE application with form credentials.
    pub fn token_response(&self, client_id: &str, client_secret: &str) -> Response {
        let form = format!(
            "grant_type=client_credentials&client_id={client_id}&client_secret={client_secret}&scope=openid"
        );
        self.request(
            "POST",
            "/api/oauth/token",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form.as_bytes(),
        )
    }

    pub fn token_for(&self, client_id: &str, client_secret: &str) -> String {
        let response = self.token_response(client_id, client_secret);
        assert_eq!(
            response.status,
            200,
            "token request failed: {}",
            response.text()
        );
        response.json()["access_token"]
            .as_str()
            .expect("access_token is a string")
            .to_string()
    }

    pub fn token(&self) -> String {
        self.token_for(CLIENT_ID, CLIENT_SECRET)
    }

    /// Calls an API operation with a fresh token and TECH_1's technical account.
    pub fn api(&self, path: &str, body: &Value) -> Response {
        let token = self.token();
        self.api_with(&token, TECH_LOGIN, TECH_PASSWORD, path, body)
    }

    pub fn api_with(
        &self,
        token: &str,
        login: &str,
        password: &str,
        path: &str,
        body: &Value,
    ) -> Response {
        let bearer = format!("Bearer {token}");
        let account = cpro_account(login, password);
        self.request(
            "POST",
            path,
            &[
                ("Authorization", &bearer),
                ("cpro-account", &account),
                ("Content-Type", "application/json;charset=utf-8"),
                ("Accept", "application/json;charset=utf-8"),
            ],
            body.to_string().as_bytes(),
        )
    }

    /// Deposits a file as TECH_1 and returns the `numeroFluxDepot`.
    pub fn deposit(&self, file: &[u8], syntax: &str) -> String {
        let response = self.api(
            "/cpro/factures/v1/deposer/flux",
            &deposit_body(file, syntax),
        );
        assert_eq!(response.status, 200, "{}", response.text());
        let body = response.json();
        assert_eq!(body["codeRetour"], 0, "deposit failed: {body}");
        body["numeroFluxDepot"]
            .as_str()
            .expect("numeroFluxDepot is a string")
            .to_string()
    }

    /// Polls `consulterCRDetaille` until the flow reaches a final state, and returns
    /// that last report.
    pub fn wait_for_final_report(&self, numero: &str) -> Value {
        let token = self.token();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let report = self
                .api_with(
                    &token,
                    TECH_LOGIN,
                    TECH_PASSWORD,
                    "/cpro/transverses/v1/consulterCRDetaille",
                    &json!({ "numeroFluxDepot": numero }),
                )
                .json();
            let state = report["etatCourantDepotFlux"].as_str().unwrap_or("");
            if ["IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE"].contains(&state) {
                return report;
            }
            assert!(
                Instant::now() < deadline,
                "flux {numero} never reached a final state: {report}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Deposits a UBL invoice and returns the final report.
    pub fn deposit_and_wait(&self, file: &[u8], syntax: &str) -> (String, Value) {
        let numero = self.deposit(file, syntax);
        let report = self.wait_for_final_report(&numero);
        (numero, report)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn cpro_account(login: &str, password: &str) -> String {
    STANDARD.encode(format!("{login}:{password}"))
}

pub fn deposit_body(file: &[u8], syntax: &str) -> Value {
    json!({
        "fichierFlux": STANDARD.encode(file),
        "nomFichier": "facture.xml",
        "syntaxeFlux": syntax,
        "avecSignature": false,
    })
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("reply is not JSON ({error}): {:?}", self.text()))
    }
}

pub fn build_request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    request
}

/// Writes a raw request and reads until the server closes the connection.
pub fn send_raw(address: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    stream.write_all(request)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    Ok(raw)
}

/// Parses an HTTP/1.1 reply with a `Content-Length` or chunked body.
pub fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked")
    });
    let body = if chunked {
        decode_chunked(rest)
    } else {
        rest.to_vec()
    };
    Response {
        status,
        headers,
        body,
    }
}

fn decode_chunked(mut data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|window| window == b"\r\n")
            .expect("chunk size line");
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .expect("chunk size");
        data = &data[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// The routing data of a test invoice.
#[derive(Clone)]
pub struct InvoiceSpec {
    pub number: String,
    pub supplier: String,
    pub buyer: String,
    pub service_code: Option<String>,
    pub engagement: Option<String>,
    pub credit_note: bool,
}

impl InvoiceSpec {
    /// Builds a valid invoice from the attached supplier to the default public buyer.
    pub fn new(number: &str) -> InvoiceSpec {
        InvoiceSpec {
            number: number.to_string(),
            supplier: SUPPLIER_SIRET.to_string(),
            buyer: BUYER_SIRET.to_string(),
            service_code: None,
            engagement: None,
            credit_note: false,
        }
    }

    pub fn supplier(mut self, siret: &str) -> Self {
        self.supplier = siret.to_string();
        self
    }

    pub fn buyer(mut self, siret: &str) -> Self {
        self.buyer = siret.to_string();
        self
    }

    pub fn service(mut self, code: &str) -> Self {
        self.service_code = Some(code.to_string());
        self
    }

    pub fn engagement(mut self, number: &str) -> Self {
        self.engagement = Some(number.to_string());
        self
    }

    pub fn credit_note(mut self) -> Self {
        self.credit_note = true;
        self
    }

    /// Writes a UBL 2.1 invoice (or credit note) with these routing data.
    pub fn ubl(&self) -> Vec<u8> {
        let root = if self.credit_note {
            "CreditNote"
        } else {
            "Invoice"
        };
        let type_element = if self.credit_note {
            "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"
        } else {
            "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
        };
        let buyer_reference = self
            .service_code
            .as_ref()
            .map(|code| format!("<cbc:BuyerReference>{code}</cbc:BuyerReference>"))
            .unwrap_or_default();
        let order = self
            .engagement
            .as_ref()
            .map(|number| {
                format!("<cac:OrderReference><cbc:ID>{number}</cbc:ID></cac:OrderReference>")
            })
            .unwrap_or_default();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>2026-11-30</cbc:IssueDate>
  {type_element}
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  {buyer_reference}
  {order}
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cac:PartyIdentification><cbc:ID schemeID="0009">{supplier}</cbc:ID></cac:PartyIdentification>
      <cac:PartyLegalEntity><cbc:RegistrationName>Fournisseur de test</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cac:PartyIdentification><cbc:ID schemeID="0009">{buyer}</cbc:ID></cac:PartyIdentification>
      <cac:PartyLegalEntity><cbc:RegistrationName>Acheteur de test</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode></cac:PaymentMeans>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">24.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">120.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">120.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">144.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">144.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
</{root}>
"#,
            number = self.number,
            supplier = self.supplier,
            buyer = self.buyer,
        )
        .into_bytes()
    }

    /// Writes a CII D16B invoice with these routing data.
    pub fn cii(&self) -> Vec<u8> {
        let buyer_reference = self
            .service_code
            .as_ref()
            .map(|code| format!("<ram:BuyerReference>{code}</ram:BuyerReference>"))
            .unwrap_or_default();
        let order = self
            .engagement
            .as_ref()
            .map(|number| {
                format!(
                    "<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>{number}</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>"
                )
            })
            .unwrap_or_default();
        let type_code = if self.credit_note { "381" } else { "380" };
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>A1</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>{number}</ram:ID>
    <ram:TypeCode>{type_code}</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20261130</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      {buyer_reference}
      <ram:SellerTradeParty>
        <ram:GlobalID schemeID="0009">{supplier}</ram:GlobalID>
        <ram:Name>Fournisseur de test</ram:Name>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:GlobalID schemeID="0009">{buyer}</ram:GlobalID>
        <ram:Name>Acheteur de test</ram:Name>
      </ram:BuyerTradeParty>
      {order}
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>30</ram:TypeCode></ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>50.00</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>50.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">10.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>60.00</ram:GrandTotalAmount>
        <ram:DuePayableAmount>60.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"#,
            number = self.number,
            supplier = self.supplier,
            buyer = self.buyer,
        )
        .into_bytes()
    }
}

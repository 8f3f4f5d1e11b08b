//! EN 16931 totals: line net amounts, VAT breakdown and document totals.
//!
//! Every amount is rounded to 2 decimals (halves away from zero) where EN 16931 defines
//! it, and later totals add those rounded values. The reason is that the CEN schematron
//! compares BT-106 to BT-115 exactly against sums of the 2-decimal amounts in the XML.

use rust_decimal::Decimal;

use super::decimal::round_amount;
use super::model::{Invoice, Line};

/// One group of the VAT breakdown (BG-23): a VAT category and rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VatBreakdown {
    /// BT-118 VAT category code.
    pub category: String,
    /// BT-119 VAT rate in percent, `None` for category O.
    pub rate: Option<Decimal>,
    /// BT-116 taxable amount: line net amounts plus charges minus allowances of the group.
    pub taxable_amount: Decimal,
    /// BT-117 tax amount: taxable amount × rate / 100, rounded to 2 decimals.
    pub tax_amount: Decimal,
}

/// Computed document totals (BG-22) and VAT breakdown (BG-23).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    /// BT-131 net amount of each line, in line order.
    pub line_net_amounts: Vec<Decimal>,
    /// BT-106 sum of invoice line net amounts.
    pub sum_of_line_net_amounts: Decimal,
    /// BT-107 sum of document level allowances.
    pub sum_of_allowances: Decimal,
    /// BT-108 sum of document level charges.
    pub sum_of_charges: Decimal,
    /// BT-109 invoice total amount without VAT.
    pub total_without_vat: Decimal,
    /// BT-110 invoice total VAT amount.
    pub total_vat_amount: Decimal,
    /// BT-112 invoice total amount with VAT.
    pub total_with_vat: Decimal,
    /// BT-113 paid amount (zero when the invoice gives none).
    pub paid_amount: Decimal,
    /// BT-115 amount due for payment.
    pub amount_due_for_payment: Decimal,
    /// BG-23 VAT breakdown, one group per (category, rate) in order of first use.
    pub vat_breakdown: Vec<VatBreakdown>,
}

/// Error of a computation whose intermediate value exceeds `rust_decimal`'s range
/// (about 7.9 × 10^28), or a price base quantity of zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("amount out of range while computing the invoice totals")]
pub struct AmountOverflow;

fn sum<I: IntoIterator<Item = Decimal>>(values: I) -> Result<Decimal, AmountOverflow> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |total, value| total.checked_add(value))
        .ok_or(AmountOverflow)
}

/// Computes BT-131: quantity × (net price / base quantity) + line charges − line
/// allowances, rounded to 2 decimals. The quantity is multiplied before dividing by the
/// base quantity so that no intermediate rounding happens.
pub fn line_net_amount(line: &Line) -> Result<Decimal, AmountOverflow> {
    let base_quantity = line.base_quantity.unwrap_or(Decimal::ONE);
    let price_total = line
        .quantity
        .checked_mul(line.net_price)
        .and_then(|product| product.checked_div(base_quantity))
        .ok_or(AmountOverflow)?;
    let charges = sum(line.charges.iter().map(|charge| charge.amount))?;
    let allowances = sum(line.allowances.iter().map(|allowance| allowance.amount))?;
    let net = price_total
        .checked_add(charges)
        .and_then(|amount| amount.checked_sub(allowances))
        .ok_or(AmountOverflow)?;
    Ok(round_amount(net))
}

/// Returns the group for (category, rate), adding an empty one at the end if needed.
fn group_for<'a>(
    groups: &'a mut Vec<VatBreakdown>,
    category: &str,
    rate: Option<Decimal>,
) -> &'a mut VatBreakdown {
    let position = groups
        .iter()
        .position(|group| group.category == category && group.rate == rate);
    let index = match position {
        Some(index) => index,
        None => {
            groups.push(VatBreakdown {
                category: category.to_owned(),
                rate,
                taxable_amount: Decimal::ZERO,
                tax_amount: Decimal::ZERO,
            });
            groups.len() - 1
        }
    };
    &mut groups[index]
}

fn add_to_group(
    groups: &mut Vec<VatBreakdown>,
    category: &str,
    rate: Option<Decimal>,
    amount: Decimal,
) -> Result<(), AmountOverflow> {
    let group = group_for(groups, category, rate);
    group.taxable_amount = group
        .taxable_amount
        .checked_add(amount)
        .ok_or(AmountOverflow)?;
    Ok(())
}

impl Invoice {
    /// Computes the line net amounts, VAT breakdown and document totals.
    pub fn totals(&self) -> Result<Totals, AmountOverflow> {
        let line_net_amounts = self
            .lines
            .iter()
            .map(line_net_amount)
            .collect::<Result<Vec<_>, _>>()?;
        let sum_of_line_net_amounts = sum(line_net_amounts.iter().copied())?;
        let sum_of_allowances = sum(self.allowances.iter().map(|item| round_amount(item.amount)))?;
        let sum_of_charges = sum(self.charges.iter().map(|item| round_amount(item.amount)))?;
        let total_without_vat = sum([sum_of_line_net_amounts, sum_of_charges])?
            .checked_sub(sum_of_allowances)
            .ok_or(AmountOverflow)?;

        let mut vat_breakdown = Vec::new();
        for (line, net) in self.lines.iter().zip(&line_net_amounts) {
            add_to_group(&mut vat_breakdown, &line.vat_category, line.vat_rate, *net)?;
        }
        for charge in &self.charges {
            let amount = round_amount(charge.amount);
            add_to_group(
                &mut vat_breakdown,
                &charge.vat_category,
                charge.vat_rate,
                amount,
            )?;
        }
        for allowance in &self.allowances {
            let amount = -round_amount(allowance.amount);
            add_to_group(
                &mut vat_breakdown,
                &allowance.vat_category,
                allowance.vat_rate,
                amount,
            )?;
        }
        for group in &mut vat_breakdown {
            let rate = group.rate.unwrap_or(Decimal::ZERO);
            let tax = group
                .taxable_amount
                .checked_mul(rate)
                .and_then(|product| product.checked_div(Decimal::ONE_HUNDRED))
                .ok_or(AmountOverflow)?;
            group.tax_amount = round_amount(tax);
        }

        let total_vat_amount = sum(vat_breakdown.iter().map(|group| group.tax_amount))?;
        let total_with_vat = sum([total_without_vat, total_vat_amount])?;
        let paid_amount = round_amount(self.paid_amount.unwrap_or(Decimal::ZERO));
        let amount_due_for_payment = total_with_vat
            .checked_sub(paid_amount)
            .ok_or(AmountOverflow)?;

        Ok(Totals {
            line_net_amounts,
            sum_of_line_net_amounts,
            sum_of_allowances,
            sum_of_charges,
            total_without_vat,
            total_vat_amount,
            total_with_vat,
            paid_amount,
            amount_due_for_payment,
            vat_breakdown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::decimal::dec;
    use super::super::parse_invoice;
    use super::*;

    const SAMPLE: &str = include_str!("../../examples/invoices/facturx-ubl-21-en16931.json");

    fn sample() -> Invoice {
        parse_invoice(SAMPLE).expect("sample invoice parses")
    }

    #[test]
    fn sample_totals_match_sample_xml() {
        let totals = sample().totals().unwrap();
        assert_eq!(totals.line_net_amounts, vec![dec("135.00"), dec("138.00")]);
        assert_eq!(totals.sum_of_line_net_amounts, dec("273.00"));
        assert_eq!(totals.sum_of_allowances, dec("5.50"));
        assert_eq!(totals.sum_of_charges, dec("5.50"));
        assert_eq!(totals.total_without_vat, dec("273.00"));
        assert_eq!(totals.total_vat_amount, dec("35.03"));
        assert_eq!(totals.total_with_vat, dec("308.03"));
        assert_eq!(totals.paid_amount, dec("100.00"));
        assert_eq!(totals.amount_due_for_payment, dec("208.03"));
    }

    #[test]
    fn sample_vat_breakdown() {
        let totals = sample().totals().unwrap();
        assert_eq!(totals.vat_breakdown.len(), 2);
        let reduced = &totals.vat_breakdown[0];
        assert_eq!(reduced.category, "S");
        assert_eq!(reduced.rate, Some(dec("5.5")));
        assert_eq!(reduced.taxable_amount, dec("135.00"));
        // 135.00 × 5.5 % = 7.425, rounded half away from zero.
        assert_eq!(reduced.tax_amount, dec("7.43"));
        let standard = &totals.vat_breakdown[1];
        assert_eq!(standard.rate, Some(dec("20")));
        assert_eq!(standard.taxable_amount, dec("138.00"));
        assert_eq!(standard.tax_amount, dec("27.60"));
    }

    #[test]
    fn line_net_with_base_quantity() {
        let mut line = sample().lines[0].clone();
        line.quantity = dec("3");
        line.net_price = dec("10");
        line.base_quantity = Some(dec("4"));
        line.allowances.clear();
        line.charges.clear();
        // 3 × (10 / 4) = 7.50
        assert_eq!(line_net_amount(&line), Ok(dec("7.50")));
        line.quantity = dec("1");
        line.base_quantity = Some(dec("3"));
        // 10 / 3 = 3.333… rounded to 3.33
        assert_eq!(line_net_amount(&line), Ok(dec("3.33")));
    }

    #[test]
    fn line_net_rounds_half_up() {
        let mut line = sample().lines[0].clone();
        line.allowances.clear();
        line.charges.clear();
        line.quantity = dec("1.5");
        line.net_price = dec("0.335");
        // 1.5 × 0.335 = 0.5025 rounds to 0.50, and 3 × 0.335 = 1.005 rounds to 1.01.
        assert_eq!(line_net_amount(&line), Ok(dec("0.50")));
        line.quantity = dec("3");
        assert_eq!(line_net_amount(&line), Ok(dec("1.01")));
    }

    #[test]
    fn zero_base_quantity_is_an_error() {
        let mut line = sample().lines[0].clone();
        line.base_quantity = Some(Decimal::ZERO);
        assert_eq!(line_net_amount(&line), Err(AmountOverflow));
    }

    #[test]
    fn overflow_is_an_error() {
        let mut invoice = sample();
        invoice.lines[0].quantity = Decimal::MAX;
        invoice.lines[0].net_price = dec("2");
        assert_eq!(invoice.totals(), Err(AmountOverflow));
    }

    #[test]
    fn not_subject_group_has_no_rate() {
        let mut invoice = sample();
        invoice.allowances.clear();
        invoice.charges.clear();
        for line in &mut invoice.lines {
            line.vat_category = "O".to_owned();
            line.vat_rate = None;
        }
        let totals = invoice.totals().unwrap();
        assert_eq!(totals.vat_breakdown.len(), 1);
        assert_eq!(totals.vat_breakdown[0].rate, None);
        assert_eq!(totals.vat_breakdown[0].tax_amount, Decimal::ZERO);
        assert_eq!(totals.total_with_vat, dec("273.00"));
    }
}

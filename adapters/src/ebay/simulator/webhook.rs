//! The simulated eBay's `FixedPriceTransaction` Platform Notification
//! (§1.11): a SOAP 1.1 envelope whose body is the `GetItemTransactions`
//! response (ReturnAll) for the sale, signed in the SOAP header with
//! `NotificationSignature`, and the event named in `SOAPAction`.
//! Sources: developer.ebay.com/api-docs/static/pn_fixed-price-transaction.html
//! (payload), platform-notifications-landing.html (HTTP header, signature).

use chrono::Utc;
use quick_xml::escape::escape;

use super::super::webhook::{sign, EbayNotifyIds, SOAP_ACTION_HEADER};
use super::state::{timestamp, SimListing, SimSale};
use crate::simulator::delivery::Delivery;

/// The seller the simulated eBay notifies, as `RecipientUserID`.
const SELLER: &str = "riff_sim_seller";

/// Where the simulated eBay sends notifications (the application delivery
/// URL of `SetNotificationPreferences`), and the application keyset it
/// signs them with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    pub url: String,
    pub ids: EbayNotifyIds,
}

/// `FixedPriceTransaction` for one sale of `listing`, stamped and signed
/// now, as eBay sends it when the buyer commits.
pub(super) fn fixed_price_transaction(
    target: &WebhookTarget,
    listing: &SimListing,
    sale: &SimSale,
) -> Delivery {
    let event = "FixedPriceTransaction";
    let stamp = timestamp(Utc::now());
    let signature = sign(&stamp, &target.ids);
    let body = soap_envelope(&signature, &item_transactions(event, &stamp, listing, sale));
    Delivery {
        platform: "eBay",
        url: target.url.clone(),
        headers: vec![
            ("Content-Type", "text/xml; charset=\"utf-8\"".into()),
            (
                SOAP_ACTION_HEADER,
                format!("\"https://developer.ebay.com/notification/{event}\""),
            ),
        ],
        body: body.into_bytes(),
    }
}

/// The SOAP 1.1 envelope of every notification: the signature in its
/// header, `payload` as its body.
fn soap_envelope(signature: &str, payload: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Header>
  <ebl:RequesterCredentials soapenv:mustUnderstand="0" xmlns:ns="urn:ebay:apis:eBLBaseComponents" xmlns:ebl="urn:ebay:apis:eBLBaseComponents">
   <ebl:NotificationSignature xmlns:ebl="urn:ebay:apis:eBLBaseComponents">{signature}</ebl:NotificationSignature>
  </ebl:RequesterCredentials>
 </soapenv:Header>
 <soapenv:Body>
{payload}
 </soapenv:Body>
</soapenv:Envelope>"#
    )
}

/// The `GetItemTransactions` response (ReturnAll) for one sale, as the
/// notification's payload.
fn item_transactions(event: &str, stamp: &str, listing: &SimListing, sale: &SimSale) -> String {
    let sku = listing
        .sku
        .as_deref()
        .map(|sku| format!("<SKU>{}</SKU>", escape(sku)))
        .unwrap_or_default();
    let status = if listing.available() == 0 {
        "Completed"
    } else {
        "Active"
    };
    format!(
        r#"  <GetItemTransactionsResponse xmlns="urn:ebay:apis:eBLBaseComponents">
   <Timestamp>{stamp}</Timestamp>
   <Ack>Success</Ack>
   <CorrelationID>{transaction}</CorrelationID>
   <Version>1453</Version>
   <Build>E1453_CORE_API_SIM</Build>
   <NotificationEventName>{event}</NotificationEventName>
   <RecipientUserID>{SELLER}</RecipientUserID>
   <PaginationResult><TotalNumberOfPages>1</TotalNumberOfPages><TotalNumberOfEntries>1</TotalNumberOfEntries></PaginationResult>
   <HasMoreTransactions>false</HasMoreTransactions>
   <TransactionsPerPage>100</TransactionsPerPage>
   <PageNumber>1</PageNumber>
   <ReturnedTransactionCountActual>1</ReturnedTransactionCountActual>
   <Item>
    <ItemID>{item}</ItemID>
    <ListingType>FixedPriceItem</ListingType>
    <Quantity>{quantity}</Quantity>
    <SellingStatus><QuantitySold>{sold}</QuantitySold><ListingStatus>{status}</ListingStatus></SellingStatus>
    {sku}<Title>{title}</Title>
   </Item>
   <TransactionArray>
    <Transaction>
     <CreatedDate>{created}</CreatedDate>
     <QuantityPurchased>{purchased}</QuantityPurchased>
     <TransactionID>{transaction}</TransactionID>
     <TransactionPrice currencyID="{currency}">{price}</TransactionPrice>
     <OrderLineItemID>{line}</OrderLineItemID>
     <ContainingOrder><OrderID>{line}</OrderID></ContainingOrder>
    </Transaction>
   </TransactionArray>
  </GetItemTransactionsResponse>"#,
        transaction = sale.transaction_id,
        item = listing.item_id,
        quantity = listing.quantity,
        sold = listing.quantity_sold,
        title = escape(listing.title.as_str()),
        created = timestamp(sale.sold_at),
        purchased = sale.quantity,
        currency = escape(listing.currency.as_str()),
        price = listing.price,
        line = sale.order_line_item_id,
    )
}

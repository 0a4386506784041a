//! The Cloudflare properties of an incoming request (`request.cf`).

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::{Result, js};

/// Where and how an incoming request reached Cloudflare: location, network and TLS details.
///
/// Each getter returns `None` when the runtime did not provide the field (local development
/// fills in placeholders for most of them).
#[derive(Clone)]
pub struct Cf {
    inner: JsValue,
}

macro_rules! string_fields {
    ($($(#[$doc:meta])* $name:ident => $js:literal;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(&self) -> Option<String> {
                js::property(&self.inner, $js).as_string()
            }
        )*
    };
}

impl Cf {
    pub(crate) fn from_js(inner: JsValue) -> Self {
        Cf { inner }
    }

    string_fields! {
        /// The IATA code of the data center that received the request, such as `LHR`.
        colo => "colo";
        /// The ISO 3166-1 country code of the client.
        country => "country";
        /// The client's city.
        city => "city";
        /// The client's continent code, such as `EU`.
        continent => "continent";
        /// The client's postal code.
        postal_code => "postalCode";
        /// The client's metro code (DMA).
        metro_code => "metroCode";
        /// The client's region name.
        region => "region";
        /// The ISO 3166-2 code of the client's region.
        region_code => "regionCode";
        /// The client's IANA time zone name, such as `Europe/London`.
        timezone_name => "timezone";
        /// The organization that owns the client's autonomous system.
        as_organization => "asOrganization";
        /// The HTTP protocol of the request, such as `HTTP/2`.
        http_protocol => "httpProtocol";
        /// The TLS cipher of the connection.
        tls_cipher => "tlsCipher";
        /// The TLS version of the connection, such as `TLSv1.3`.
        tls_version => "tlsVersion";
        /// The browser-requested priority of the request.
        request_priority => "requestPriority";
    }

    /// The client's autonomous system number.
    pub fn asn(&self) -> Option<u32> {
        js::property(&self.inner, "asn")
            .as_f64()
            .map(|asn| asn as u32)
    }

    /// The client's latitude and longitude.
    pub fn coordinates(&self) -> Option<(f32, f32)> {
        let latitude = js::property(&self.inner, "latitude").as_string()?;
        let longitude = js::property(&self.inner, "longitude").as_string()?;
        Some((latitude.parse().ok()?, longitude.parse().ok()?))
    }

    /// Whether the client's country is in the European Union.
    pub fn is_eu_country(&self) -> bool {
        js::property(&self.inner, "isEUCountry")
            .as_string()
            .as_deref()
            == Some("1")
    }

    /// Deserializes the custom metadata of a Cloudflare for SaaS custom hostname.
    ///
    /// # Errors
    ///
    /// Fails when the metadata does not fit `T`.
    pub fn host_metadata<T: DeserializeOwned>(&self) -> Result<Option<T>> {
        let metadata = js::property(&self.inner, "hostMetadata");
        if metadata.is_undefined() || metadata.is_null() {
            return Ok(None);
        }
        js::from_js(&metadata, "request.cf.hostMetadata").map(Some)
    }

    /// Returns the whole object.
    pub fn as_js(&self) -> &JsValue {
        &self.inner
    }
}

impl std::fmt::Debug for Cf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cf")
            .field("colo", &self.colo())
            .field("country", &self.country())
            .finish_non_exhaustive()
    }
}

//! Minting, the pure core: from an old token's header and claims and the operator's recipe to
//! the new token's header and claims ([`draft`]), then to its signed compact form ([`seal`]).
//!
//! Nothing here reads the clock, the environment or a random source: `now` and the bytes of a
//! new `jti` come in as [`Fresh`], and everything the operator asked for as a [`Recipe`].

mod error;

pub(crate) use error::MintError;

use crate::keys::signature::Prepared;
use crate::time::{MAX_NUMERIC_DATE, numeric_date};
use crate::token::b64;
use jsonwebtoken::Algorithm;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Claims that are taken for the user id when `--id-claim` does not name one, in this order.
pub(crate) const ID_CLAIMS: [&str; 5] = ["sub", "id", "user_id", "uid", "userId"];

/// How the new token's `exp` is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// Keep the old token's lifetime (`exp - iat`), counted from now. Refused when the old
    /// token has no `exp`, or no `iat` to measure the lifetime with.
    Inherit,
    /// Expire this many seconds from now (`--exp`).
    In(i64),
    /// Never expire (`--no-exp`): the token dies only when the signing key rotates.
    Never,
}

/// What the new header's `kid` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KidChoice {
    /// The signing key's own `kid` if it has one, else the old token's.
    Default,
    /// This `kid` (`--kid`).
    Set(String),
    /// No `kid` at all (`--no-kid`).
    Remove,
}

/// Everything the operator asked for; the same for every token of a batch.
#[derive(Debug, Clone)]
pub(crate) struct Recipe {
    /// `--id-claim`: the claim that carries the user id, instead of auto-detection.
    pub(crate) id_claim: Option<String>,
    /// `--keep-claims`: carry the whole old payload, not only the id claim.
    pub(crate) keep_claims: bool,
    /// `--claim`: claims to set, in the order given.
    pub(crate) set: Vec<(String, Value)>,
    /// `--unset`: claims to remove.
    pub(crate) unset: Vec<String>,
    /// How `exp` is decided.
    pub(crate) expiry: Expiry,
    /// The signing algorithm (already checked to fit the signing key).
    pub(crate) alg: Algorithm,
    /// The header's `kid`.
    pub(crate) kid: KidChoice,
    /// `--typ`: the header's `typ`, instead of the old token's.
    pub(crate) typ: Option<String>,
    /// The signing key's own `kid`, if it has one.
    pub(crate) key_kid: Option<String>,
}

/// Claims the recipe may not touch with `--claim` / `--unset`, and the flag to use instead.
const RESERVED: [(&str, &str); 2] = [
    ("iat", "`iat` is always the moment of minting"),
    ("exp", "set the expiry with --exp DURATION or --no-exp"),
];

impl Recipe {
    /// Checks what can be checked before any token is read: reserved claims, a claim both set
    /// and unset or set twice, an id claim that is unset.
    pub(crate) fn check(&self) -> Result<(), MintError> {
        let names = self
            .set
            .iter()
            .map(|(name, _)| name)
            .chain(self.unset.iter());
        for name in names {
            if let Some((_, instead)) = RESERVED.iter().find(|(r, _)| *r == name.as_str()) {
                return Err(MintError::Reserved {
                    claim: name.clone(),
                    instead,
                });
            }
        }
        for (i, (name, _)) in self.set.iter().enumerate() {
            if self.set[..i].iter().any(|(n, _)| n == name) || self.unset.contains(name) {
                return Err(MintError::Conflict {
                    claim: name.clone(),
                });
            }
        }
        if let Some(id) = &self.id_claim
            && self.unset.contains(id)
        {
            return Err(MintError::IdUnset { claim: id.clone() });
        }
        Ok(())
    }
}

/// The old token, as read (not necessarily verified).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Old<'a> {
    /// Its JOSE header.
    pub(crate) header: &'a Map<String, Value>,
    /// Its claims: a map, or the token's claim set (see [`ClaimSource`]).
    pub(crate) claims: &'a dyn ClaimSource,
}

/// Read access to the old token's claims, as [`draft`] needs them.
///
/// By default a new token carries only a few old claims (the id, `jti`, the lifetime), so a
/// token's [`Claims`](crate::token::Claims) answers those from the scanned JSON without building
/// the whole map; only `--keep-claims` and error messages ask for [`ClaimSource::all`].
pub(crate) trait ClaimSource: std::fmt::Debug {
    /// Whether claim `name` is present.
    fn has(&self, name: &str) -> bool;
    /// The value of claim `name`.
    fn value(&self, name: &str) -> Option<Cow<'_, Value>>;
    /// Every claim, in the original order.
    fn all(&self) -> &Map<String, Value>;
}

impl ClaimSource for Map<String, Value> {
    fn has(&self, name: &str) -> bool {
        self.contains_key(name)
    }

    fn value(&self, name: &str) -> Option<Cow<'_, Value>> {
        self.get(name).map(Cow::Borrowed)
    }

    fn all(&self) -> &Map<String, Value> {
        self
    }
}

impl ClaimSource for crate::token::Claims {
    fn has(&self, name: &str) -> bool {
        self.contains(name)
    }

    fn value(&self, name: &str) -> Option<Cow<'_, Value>> {
        self.get(name).map(Cow::Owned)
    }

    fn all(&self) -> &Map<String, Value> {
        self.map()
    }
}

/// What changes from one mint to the next: the time and fresh random bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fresh {
    /// The moment of minting, Unix seconds (the new `iat`).
    pub(crate) now: i64,
    /// Random bytes for a new `jti`.
    pub(crate) jti: [u8; 16],
}

/// The new token before signing, and the facts the audit record needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Draft {
    /// The new JOSE header: `alg`, then `typ` and `kid` when present.
    pub(crate) header: Map<String, Value>,
    /// The new claims, in a stable order (see [`draft`]).
    pub(crate) claims: Map<String, Value>,
    /// The claim that carries the user id.
    pub(crate) id_claim: String,
    /// The user id (a non-empty string or an integer).
    pub(crate) user_id: Value,
    /// The old token's `jti`, as text.
    pub(crate) old_jti: Option<String>,
    /// The new token's `jti`, as text.
    pub(crate) new_jti: Option<String>,
    /// The new `exp`, or `None` for a never-expiring token.
    pub(crate) exp: Option<i64>,
}

/// Builds the new header and claims.
///
/// Claims keep a stable order: with `--keep-claims` the old token's order (changed claims stay
/// where they were); otherwise the id claim first. Claims set with `--claim` follow in the order
/// given, then `iat`, `exp` and `jti` (each in place when it already was there).
pub(crate) fn draft(
    old: Option<Old<'_>>,
    recipe: &Recipe,
    fresh: &Fresh,
) -> Result<Draft, MintError> {
    let mut claims = Map::new();
    let mut carried_id = None;
    if let Some(old) = old {
        let id_claim = find_id_claim(old.claims, recipe.id_claim.as_deref(), true)?;
        if recipe.set.iter().any(|(name, _)| *name == id_claim) {
            return Err(MintError::IdOverride { claim: id_claim });
        }
        if recipe.unset.contains(&id_claim) {
            return Err(MintError::IdUnset { claim: id_claim });
        }
        if recipe.keep_claims {
            claims = old.claims.all().clone();
        } else {
            // `find_id_claim` found it.
            let id = old.claims.value(&id_claim).map(Cow::into_owned);
            claims.insert(id_claim.clone(), id.unwrap_or_default());
        }
        carried_id = Some(id_claim);
    }
    for name in &recipe.unset {
        claims.shift_remove(name);
    }
    for (name, value) in &recipe.set {
        claims.insert(name.clone(), value.clone());
    }
    let id_claim = match carried_id {
        Some(id) => id,
        None => find_id_claim(&claims, recipe.id_claim.as_deref(), false)?,
    };
    let user_id = claims[&id_claim].clone();
    check_id_value(&id_claim, &user_id)?;

    let exp = new_exp(old.map(|o| o.claims), recipe.expiry, fresh.now)?;
    claims.insert("iat".into(), fresh.now.into());
    match exp {
        Some(exp) => {
            claims.insert("exp".into(), exp.into());
        }
        None => {
            claims.shift_remove("exp");
        }
    }
    let old_jti = old
        .and_then(|o| o.claims.value("jti"))
        .map(|jti| jti_text(&jti));
    let jti_edited =
        recipe.set.iter().any(|(name, _)| name == "jti") || recipe.unset.iter().any(|n| n == "jti");
    if !jti_edited && let Some(old_jti) = &old_jti {
        claims.insert("jti".into(), new_jti(old_jti, fresh.jti).into());
    }
    let new_jti = claims.get("jti").map(jti_text);

    Ok(Draft {
        header: header(old.map(|o| o.header), recipe),
        claims,
        id_claim,
        user_id,
        old_jti,
        new_jti,
        exp,
    })
}

/// The claim that carries the user id: `wanted` if given (it must be present), else the one
/// of [`ID_CLAIMS`] that is present. None or several is an error that lists what was found.
pub(crate) fn find_id_claim(
    claims: &(impl ClaimSource + ?Sized),
    wanted: Option<&str>,
    from_token: bool,
) -> Result<String, MintError> {
    let present = || claims.all().keys().cloned().collect::<Vec<_>>();
    if let Some(wanted) = wanted {
        return if claims.has(wanted) {
            Ok(wanted.to_owned())
        } else {
            Err(MintError::IdMissing {
                wanted: Some(wanted.to_owned()),
                present: present(),
                from_token,
            })
        };
    }
    let found: Vec<&str> = ID_CLAIMS
        .iter()
        .copied()
        .filter(|name| claims.has(name))
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => Err(MintError::IdMissing {
            wanted: None,
            present: present(),
            from_token,
        }),
        several => Err(MintError::IdAmbiguous {
            found: several
                .iter()
                .map(|name| {
                    let value = claims.value(name).map(Cow::into_owned);
                    ((*name).to_owned(), value.unwrap_or_default())
                })
                .collect(),
        }),
    }
}

fn check_id_value(claim: &str, value: &Value) -> Result<(), MintError> {
    let what = match value {
        Value::String(s) if s.is_empty() => "an empty string",
        Value::String(_) => return Ok(()),
        Value::Number(n) if n.is_i64() || n.is_u64() => return Ok(()),
        Value::Number(_) => "a fractional number",
        other => crate::text::type_name(other),
    };
    Err(MintError::IdInvalid {
        claim: claim.to_owned(),
        what,
    })
}

/// The new `exp` under `expiry`.
pub(crate) fn new_exp(
    old: Option<&dyn ClaimSource>,
    expiry: Expiry,
    now: i64,
) -> Result<Option<i64>, MintError> {
    let after = |seconds: i64| {
        now.checked_add(seconds)
            .filter(|exp| *exp <= MAX_NUMERIC_DATE)
            .ok_or(MintError::ExpOutOfRange)
    };
    match expiry {
        Expiry::Never => Ok(None),
        Expiry::In(seconds) => after(seconds).map(Some),
        Expiry::Inherit => {
            let Some(old) = old else {
                return Err(MintError::NoExp { from_token: false });
            };
            let Some(exp) = old.value("exp") else {
                return Err(MintError::NoExp { from_token: true });
            };
            let unknown = |why: String| MintError::LifetimeUnknown { why };
            let exp = numeric_date(&exp).map_err(|why| unknown(format!("its `exp` {why}")))?;
            let iat = old.value("iat").ok_or_else(|| {
                unknown("it has `exp` but no `iat` to measure its lifetime from".into())
            })?;
            let iat = numeric_date(&iat).map_err(|why| unknown(format!("its `iat` {why}")))?;
            if exp <= iat {
                return Err(unknown("its `exp` is not after its `iat`".into()));
            }
            after(exp - iat).map(Some)
        }
    }
}

fn header(old: Option<&Map<String, Value>>, recipe: &Recipe) -> Map<String, Value> {
    let old_str = |name: &str| {
        old.and_then(|h| h.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut header = Map::new();
    // `Algorithm` serializes as its JOSE name.
    header.insert(
        "alg".into(),
        serde_json::to_value(recipe.alg).unwrap_or(Value::Null),
    );
    let typ = match (&recipe.typ, old) {
        (Some(typ), _) => Some(typ.clone()),
        (None, Some(_)) => old_str("typ"),
        (None, None) => Some("JWT".into()),
    };
    if let Some(typ) = typ {
        header.insert("typ".into(), typ.into());
    }
    let kid = match &recipe.kid {
        KidChoice::Set(kid) => Some(kid.clone()),
        KidChoice::Remove => None,
        KidChoice::Default => recipe.key_kid.clone().or_else(|| old_str("kid")),
    };
    if let Some(kid) = kid {
        header.insert("kid".into(), kid.into());
    }
    header
}

fn jti_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A new `jti` shaped like the old one: a UUID (version 4) when the old one was a UUID, else
/// 22 characters of base64url (128 random bits).
fn new_jti(old: &str, bytes: [u8; 16]) -> String {
    if is_uuid(old) {
        uuid_v4(bytes)
    } else {
        b64::encode(bytes)
    }
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A signed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sealed {
    /// The compact form `header.payload.signature`.
    pub(crate) compact: String,
    /// The payload JSON bytes that were signed (compact, claims in the draft's order).
    pub(crate) payload: Vec<u8>,
}

/// Serializes the draft compactly and signs it with `key` under the recipe's algorithm.
pub(crate) fn seal(draft: &Draft, alg: Algorithm, key: &Prepared<'_>) -> Result<Sealed, MintError> {
    // Serializing a map of JSON values cannot fail.
    let header = serde_json::to_vec(&draft.header).unwrap_or_default();
    let payload = serde_json::to_vec(&draft.claims).unwrap_or_default();
    let mut compact = String::with_capacity((header.len() + payload.len()) * 4 / 3 + 100);
    compact.push_str(&b64::encode(&header));
    compact.push('.');
    compact.push_str(&b64::encode(&payload));
    let signature = key.sign(alg, compact.as_bytes()).map_err(MintError::Sign)?;
    compact.push('.');
    compact.push_str(&b64::encode(&signature));
    Ok(Sealed { compact, payload })
}

#[cfg(test)]
mod tests;

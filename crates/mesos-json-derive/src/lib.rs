//! Derive macros for Mesos' JSON mapping and proto2 required-field checking.
//!
//! `#[derive(Json)]` reads the `#[prost(...)]` attributes that `prost::Message` already needs,
//! so one annotation drives the binary codec, the JSON codec and the required-field walker:
//! it implements `mesos_proto::json::JsonMessage` and `mesos_proto::wire::RequiredFields`.
//! `#[derive(JsonEnum)]` implements `mesos_proto::json::JsonEnum` for a prost enumeration.
//!
//! Field helper attributes (`#[json(...)]`):
//! - `skip`: the field is neither written nor read in JSON (protobuf is unaffected);
//! - `name = "..."`: JSON member name other than the Rust identifier (minus `r#`);
//! - `accept_value_object` (bytes fields): input may also be `{"value": "<base64>"}`;
//! - `accept_bare_value` (message fields, including map values): a non-object input `X` is
//!   read as `{"value": X}`.
//!
//! Variant helper attribute: `#[json(name = "...")]` overrides the enum value name, which by
//! default is the variant identifier converted from CamelCase to SCREAMING_SNAKE_CASE.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{
    Attribute, Data, DeriveInput, Expr, ExprLit, Fields, GenericArgument, Ident, Lit, Meta, Path,
    PathArguments, Token, Type,
};

/// Derives `mesos_proto::json::JsonMessage` and `mesos_proto::wire::RequiredFields` for a
/// prost message struct (proto2 labels required on every scalar field).
#[proc_macro_derive(Json, attributes(json))]
pub fn derive_json(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    match expand_message(&input) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}

/// Derives `mesos_proto::json::JsonEnum` for a prost enumeration.
#[proc_macro_derive(JsonEnum, attributes(json))]
pub fn derive_json_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    match expand_enum(&input) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scalar {
    Double,
    Float,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Sint32,
    Sint64,
    Fixed32,
    Fixed64,
    Sfixed32,
    Sfixed64,
    Bool,
    String,
    Bytes,
}

impl Scalar {
    fn from_name(name: &str) -> Option<Scalar> {
        Some(match name {
            "double" => Scalar::Double,
            "float" => Scalar::Float,
            "int32" => Scalar::Int32,
            "int64" => Scalar::Int64,
            "uint32" => Scalar::Uint32,
            "uint64" => Scalar::Uint64,
            "sint32" => Scalar::Sint32,
            "sint64" => Scalar::Sint64,
            "fixed32" => Scalar::Fixed32,
            "fixed64" => Scalar::Fixed64,
            "sfixed32" => Scalar::Sfixed32,
            "sfixed64" => Scalar::Sfixed64,
            "bool" => Scalar::Bool,
            "string" => Scalar::String,
            "bytes" => Scalar::Bytes,
            _ => return None,
        })
    }

    fn codec(self) -> TokenStream2 {
        let rt = json_rt();
        match self {
            Scalar::Double => quote!(#rt::F64),
            Scalar::Float => quote!(#rt::F32),
            Scalar::Int32 | Scalar::Sint32 | Scalar::Sfixed32 => quote!(#rt::I32),
            Scalar::Int64 | Scalar::Sint64 | Scalar::Sfixed64 => quote!(#rt::I64),
            Scalar::Uint32 | Scalar::Fixed32 => quote!(#rt::U32),
            Scalar::Uint64 | Scalar::Fixed64 => quote!(#rt::U64),
            Scalar::Bool => quote!(#rt::Bool),
            Scalar::String => quote!(#rt::Str),
            Scalar::Bytes => quote!(#rt::Bytes),
        }
    }

    /// How the protobuf walker renders a map key of this type in a path.
    fn wire_key_kind(self) -> Option<TokenStream2> {
        let rt = wire_rt();
        Some(match self {
            Scalar::Int32 | Scalar::Int64 => quote!(#rt::KeyKind::Signed),
            Scalar::Uint32 | Scalar::Uint64 => quote!(#rt::KeyKind::Unsigned),
            Scalar::Sint32 | Scalar::Sint64 => quote!(#rt::KeyKind::ZigZag),
            Scalar::Fixed32 => quote!(#rt::KeyKind::Fixed32),
            Scalar::Fixed64 => quote!(#rt::KeyKind::Fixed64),
            Scalar::Sfixed32 => quote!(#rt::KeyKind::Sfixed32),
            Scalar::Sfixed64 => quote!(#rt::KeyKind::Sfixed64),
            Scalar::Bool => quote!(#rt::KeyKind::Bool),
            Scalar::String => quote!(#rt::KeyKind::String),
            Scalar::Double | Scalar::Float | Scalar::Bytes => return None,
        })
    }

    fn is_by_reference(self) -> bool {
        matches!(self, Scalar::String | Scalar::Bytes)
    }
}

enum Kind {
    Scalar(Scalar),
    Enumeration(Path),
    /// `boxed` needs no special handling: `Box<M>` converts from and borrows as `M`.
    Message(Type),
    Map {
        key: Scalar,
        value: MapValue,
    },
}

enum MapValue {
    Scalar(Scalar),
    Enumeration(Path),
    Message(Type),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    Required,
    Optional,
    Repeated,
}

struct FieldSpec {
    ident: Ident,
    json_name: String,
    tag: u32,
    kind: Kind,
    /// `None` for maps, which have no label.
    label: Option<Label>,
    has_default: bool,
    skip: bool,
    accept_value_object: bool,
    accept_bare_value: bool,
}

fn json_rt() -> TokenStream2 {
    quote!(::mesos_proto::json::__private)
}

fn wire_rt() -> TokenStream2 {
    quote!(::mesos_proto::wire::__private)
}

fn lit_str(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Some(s.value()),
        _ => None,
    }
}

fn parse_tag(meta: &Meta) -> syn::Result<u32> {
    match meta {
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => {
                s.value().trim().parse::<u32>().map_err(|e| syn::Error::new(s.span(), e))
            }
            Expr::Lit(ExprLit { lit: Lit::Int(i), .. }) => i.base10_parse(),
            other => Err(syn::Error::new(other.span(), "invalid tag")),
        },
        Meta::List(list) => list.parse_args::<syn::LitInt>()?.base10_parse(),
        Meta::Path(p) => Err(syn::Error::new(p.span(), "tag needs a value")),
    }
}

/// Strips `wrapper<...>` layers named in `wrappers` (matched on the last path segment) and
/// returns the innermost type argument.
fn unwrap_type<'a>(mut ty: &'a Type, wrappers: &[&str]) -> &'a Type {
    loop {
        let Type::Path(tp) = ty else { return ty };
        let Some(last) = tp.path.segments.last() else { return ty };
        if !wrappers.iter().any(|w| last.ident == w) {
            return ty;
        }
        let PathArguments::AngleBracketed(args) = &last.arguments else { return ty };
        let Some(GenericArgument::Type(inner)) = args.args.first() else { return ty };
        ty = inner;
    }
}

fn map_value_type(ty: &Type) -> syn::Result<Type> {
    let last = match ty {
        Type::Path(tp) => tp.path.segments.last(),
        _ => None,
    };
    if let Some(PathArguments::AngleBracketed(args)) = last.map(|l| &l.arguments) {
        let types: Vec<&Type> = args
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect();
        if types.len() >= 2 {
            return Ok(types[1].clone());
        }
    }
    Err(syn::Error::new(ty.span(), "map field type must be `Map<K, V>` written out (no alias)"))
}

fn parse_map_spec(spec: &str, span: Span, field_ty: &Type) -> syn::Result<(Scalar, MapValue)> {
    let (k, v) = spec.split_once(',').ok_or_else(|| syn::Error::new(span, "map needs \"K, V\""))?;
    let key = Scalar::from_name(k.trim())
        .filter(|s| s.wire_key_kind().is_some())
        .ok_or_else(|| syn::Error::new(span, format!("unsupported map key type `{}`", k.trim())))?;
    let v = v.trim();
    let value = if v == "message" {
        MapValue::Message(map_value_type(field_ty)?)
    } else if let Some(rest) = v.strip_prefix("enumeration") {
        let rest = rest.trim();
        let inner = rest
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .or_else(|| rest.strip_prefix('<').and_then(|r| r.strip_suffix('>')))
            .ok_or_else(|| syn::Error::new(span, "map value must be `enumeration(Path)`"))?;
        MapValue::Enumeration(syn::parse_str::<Path>(inner.trim())?)
    } else {
        MapValue::Scalar(
            Scalar::from_name(v)
                .ok_or_else(|| syn::Error::new(span, format!("unsupported map value type `{v}`")))?,
        )
    };
    Ok((key, value))
}

fn parse_field(field: &syn::Field) -> syn::Result<FieldSpec> {
    let ident = field.ident.clone().ok_or_else(|| syn::Error::new(field.span(), "named fields only"))?;
    let ident_text = ident.to_string();
    let mut json_name = ident_text.strip_prefix("r#").unwrap_or(&ident_text).to_string();

    let mut tag = None;
    let mut kind = None;
    let mut label = None;
    let mut has_default = false;
    let mut saw_prost = false;

    for attr in field.attrs.iter().filter(|a| a.path().is_ident("prost")) {
        saw_prost = true;
        let metas = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
        for meta in &metas {
            let name = meta.path().get_ident().map(ToString::to_string).unwrap_or_default();
            let set_kind = |kind: &mut Option<Kind>, k: Kind| {
                if kind.replace(k).is_some() {
                    Err(syn::Error::new(meta.span(), "duplicate type attribute"))
                } else {
                    Ok(())
                }
            };
            if let (Meta::Path(_), Some(scalar)) = (meta, Scalar::from_name(&name)) {
                set_kind(&mut kind, Kind::Scalar(scalar))?;
                continue;
            }
            match (name.as_str(), meta) {
                ("tag", _) => tag = Some(parse_tag(meta)?),
                ("required", Meta::Path(_)) => label = Some(Label::Required),
                ("optional", Meta::Path(_)) => label = Some(Label::Optional),
                ("repeated", Meta::Path(_)) => label = Some(Label::Repeated),
                ("packed", _) | ("boxed", Meta::Path(_)) => {}
                ("default", _) => has_default = true,
                ("message", Meta::Path(_)) => {
                    let inner = unwrap_type(&field.ty, &["Option", "Vec", "Box"]).clone();
                    set_kind(&mut kind, Kind::Message(inner))?;
                }
                ("bytes", _) => set_kind(&mut kind, Kind::Scalar(Scalar::Bytes))?,
                ("enumeration", Meta::NameValue(nv)) => {
                    let text = lit_str(&nv.value)
                        .ok_or_else(|| syn::Error::new(nv.value.span(), "expected a string"))?;
                    set_kind(&mut kind, Kind::Enumeration(syn::parse_str::<Path>(&text)?))?;
                }
                ("enumeration", Meta::List(list)) => {
                    set_kind(&mut kind, Kind::Enumeration(list.parse_args::<Path>()?))?;
                }
                ("map" | "hash_map" | "btree_map", Meta::NameValue(nv)) => {
                    let text = lit_str(&nv.value)
                        .ok_or_else(|| syn::Error::new(nv.value.span(), "expected a string"))?;
                    let (key, value) = parse_map_spec(&text, nv.value.span(), &field.ty)?;
                    set_kind(&mut kind, Kind::Map { key, value })?;
                }
                ("map" | "hash_map" | "btree_map", Meta::List(list)) => {
                    let text = list.tokens.to_string();
                    let (key, value) = parse_map_spec(&text, list.span(), &field.ty)?;
                    set_kind(&mut kind, Kind::Map { key, value })?;
                }
                ("oneof" | "group" | "tags", _) => {
                    return Err(syn::Error::new(
                        meta.span(),
                        "mesos_json_derive: oneof and group fields are not supported; \
                         flatten oneofs into optional fields",
                    ));
                }
                _ => {
                    return Err(syn::Error::new(
                        meta.span(),
                        "mesos_json_derive: unrecognised #[prost(...)] item",
                    ));
                }
            }
        }
    }
    if !saw_prost {
        return Err(syn::Error::new(ident.span(), "mesos_json_derive: field has no #[prost(...)] attribute"));
    }
    let kind = kind.ok_or_else(|| syn::Error::new(ident.span(), "mesos_json_derive: field has no type"))?;
    let tag = tag.ok_or_else(|| syn::Error::new(ident.span(), "mesos_json_derive: field has no tag"))?;

    let label = match (&kind, label) {
        (Kind::Map { .. }, None) => None,
        (Kind::Map { .. }, Some(_)) => {
            return Err(syn::Error::new(ident.span(), "map fields take no label"));
        }
        // prost treats an unlabelled message field as optional.
        (Kind::Message(_), None) => Some(Label::Optional),
        (_, None) => {
            return Err(syn::Error::new(
                ident.span(),
                "mesos_json_derive: proto2 scalar fields need a label (required, optional or repeated)",
            ));
        }
        (_, Some(l)) => Some(l),
    };

    let mut skip = false;
    let mut accept_value_object = false;
    let mut accept_bare_value = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("json")) {
        attr.parse_nested_meta(|nested| {
            if nested.path.is_ident("skip") {
                skip = true;
            } else if nested.path.is_ident("accept_value_object") {
                accept_value_object = true;
            } else if nested.path.is_ident("accept_bare_value") {
                accept_bare_value = true;
            } else if nested.path.is_ident("name") {
                json_name = nested.value()?.parse::<syn::LitStr>()?.value();
            } else {
                return Err(nested.error("unknown #[json(...)] field attribute"));
            }
            Ok(())
        })?;
    }
    if accept_value_object && !matches!(kind, Kind::Scalar(Scalar::Bytes)) {
        return Err(syn::Error::new(ident.span(), "accept_value_object applies to bytes fields only"));
    }
    if accept_bare_value && !matches!(kind, Kind::Message(_) | Kind::Map { value: MapValue::Message(_), .. })
    {
        return Err(syn::Error::new(ident.span(), "accept_bare_value applies to message fields only"));
    }

    Ok(FieldSpec {
        ident,
        json_name,
        tag,
        kind,
        label,
        has_default,
        skip,
        accept_value_object,
        accept_bare_value,
    })
}

impl FieldSpec {
    /// Codec of the field's (element) values; for maps, of the map values.
    fn codec(&self) -> TokenStream2 {
        let rt = json_rt();
        let message_codec = |ty: &Type| {
            if self.accept_bare_value { quote!(#rt::BareValueMsg<#ty>) } else { quote!(#rt::Msg<#ty>) }
        };
        match &self.kind {
            Kind::Scalar(Scalar::Bytes) if self.accept_value_object => quote!(#rt::BytesOrValueObject),
            Kind::Scalar(s) => s.codec(),
            Kind::Enumeration(p) => quote!(#rt::Enum<#p>),
            Kind::Message(ty) => message_codec(ty),
            Kind::Map { value: MapValue::Scalar(s), .. } => s.codec(),
            Kind::Map { value: MapValue::Enumeration(p), .. } => quote!(#rt::Enum<#p>),
            Kind::Map { value: MapValue::Message(ty), .. } => message_codec(ty),
        }
    }

    fn write(&self) -> TokenStream2 {
        let rt = json_rt();
        let ident = &self.ident;
        let codec = self.codec();
        let key = format!("\"{}\":", escape_json(&self.json_name));
        match self.label {
            None => quote!(#rt::write_map::<#codec, _, _, _>(out, &mut first, #key, &self.#ident);),
            Some(Label::Repeated) => {
                quote!(#rt::write_repeated::<#codec, _>(out, &mut first, #key, &self.#ident);)
            }
            Some(Label::Required) => quote!(
                #rt::write_required::<#codec>(out, &mut first, #key,
                    ::core::borrow::Borrow::borrow(&self.#ident));
            ),
            Some(Label::Optional) if self.has_default => {
                // Unset fields with an explicit proto default are emitted with that default
                // (Mesos does this); prost's getter already knows the default.
                let default = match &self.kind {
                    Kind::Enumeration(_) => quote!(&(self.#ident() as i32)),
                    Kind::Scalar(s) if s.is_by_reference() => quote!(self.#ident()),
                    _ => quote!(&self.#ident()),
                };
                quote!(
                    match &self.#ident {
                        ::core::option::Option::Some(value) => #rt::write_value::<#codec>(
                            out, &mut first, #key, ::core::borrow::Borrow::borrow(value)),
                        ::core::option::Option::None => #rt::write_value::<#codec>(
                            out, &mut first, #key, #default),
                    }
                )
            }
            Some(Label::Optional) => {
                quote!(#rt::write_optional::<#codec, _>(out, &mut first, #key, &self.#ident);)
            }
        }
    }

    fn read_arm(&self, seen: &Ident) -> TokenStream2 {
        let rt = json_rt();
        let ident = &self.ident;
        let codec = self.codec();
        let name = &self.json_name;
        let body = match self.label {
            None => quote!(#rt::read_map::<#codec, _>(value, #name, ctx, &mut self.#ident)?;),
            Some(Label::Repeated) => {
                quote!(#rt::read_repeated::<#codec, _>(value, #name, ctx, &mut self.#ident)?;)
            }
            Some(Label::Required) => {
                quote!(#seen = #rt::read_required::<#codec, _>(value, #name, ctx, &mut self.#ident)?;)
            }
            Some(Label::Optional) => {
                quote!(self.#ident = #rt::read_optional::<#codec, _>(value, #name, ctx)?;)
            }
        };
        quote!(#name => { #body })
    }
}

fn escape_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn expand_message(input: &DeriveInput) -> syn::Result<TokenStream2> {
    if let Some(attr) = input.attrs.iter().find(|a| a.path().is_ident("json")) {
        return Err(syn::Error::new(attr.span(), "#[json(...)] is not supported on the struct itself"));
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(input.span(), "derive(Json) applies to prost message structs"));
    };
    let fields: Vec<FieldSpec> = match &data.fields {
        Fields::Named(named) => named.named.iter().map(parse_field).collect::<syn::Result<_>>()?,
        Fields::Unit => Vec::new(),
        Fields::Unnamed(_) => {
            return Err(syn::Error::new(input.span(), "derive(Json) needs named fields"));
        }
    };

    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let jrt = json_rt();

    let json_fields: Vec<&FieldSpec> = fields.iter().filter(|f| !f.skip).collect();
    let writes = json_fields.iter().map(|f| f.write());
    let seen_idents: Vec<Ident> = json_fields
        .iter()
        .map(|f| format_ident!("__seen_{}", f.ident.to_string().trim_start_matches("r#")))
        .collect();
    let required_json: Vec<(&Ident, &String)> = json_fields
        .iter()
        .zip(&seen_idents)
        .filter(|(f, _)| f.label == Some(Label::Required))
        .map(|(f, s)| (s, &f.json_name))
        .collect();
    let seen_decls = required_json.iter().map(|(s, _)| quote!(let mut #s = false;));
    let seen_checks = required_json.iter().map(|(s, n)| quote!(if !#s { ctx.record_missing(#n); }));
    let read_arms = json_fields.iter().zip(&seen_idents).map(|(f, s)| f.read_arm(s));
    let first_decl = if json_fields.is_empty() { quote!() } else { quote!(let mut first = true;) };

    let wire = expand_wire(&fields);

    Ok(quote! {
        #[automatically_derived]
        #[allow(deprecated, unused_mut, unused_variables, clippy::all)]
        impl #impl_generics ::mesos_proto::json::JsonMessage for #name #ty_generics #where_clause {
            fn write_json(&self, out: &mut ::std::string::String) {
                out.push('{');
                #first_decl
                #(#writes)*
                out.push('}');
            }

            fn merge_json(
                &mut self,
                object: &#jrt::Map,
                ctx: &mut ::mesos_proto::json::ReadContext,
            ) -> ::core::result::Result<(), ::mesos_proto::json::JsonError> {
                #(#seen_decls)*
                for (key, value) in object {
                    match key.as_str() {
                        #(#read_arms)*
                        _ => {}
                    }
                }
                #(#seen_checks)*
                ::core::result::Result::Ok(())
            }
        }

        #[automatically_derived]
        #[allow(deprecated, unused_mut, unused_variables, clippy::all)]
        impl #impl_generics ::mesos_proto::wire::RequiredFields for #name #ty_generics #where_clause {
            fn check_required(
                pieces: &[&[u8]],
                ctx: &mut ::mesos_proto::wire::CheckContext,
            ) -> ::core::result::Result<(), ::mesos_proto::wire::ProtoError> {
                #wire
                ::core::result::Result::Ok(())
            }
        }
    })
}

/// Body of `RequiredFields::check_required`: one pass over the encoded pieces that notes
/// required tags and collects the bytes of message-typed fields, then recursion.
fn expand_wire(fields: &[FieldSpec]) -> TokenStream2 {
    let rt = wire_rt();
    let mut decls = Vec::new();
    let mut arms = Vec::new();
    let mut after = Vec::new();
    for f in fields {
        let tag = f.tag;
        let name = &f.json_name;
        let base = f.ident.to_string().trim_start_matches("r#").to_string();
        match (&f.kind, f.label) {
            (Kind::Message(ty), Some(Label::Repeated)) => {
                let idx = format_ident!("__index_{}", base);
                decls.push(quote!(let mut #idx: usize = 0;));
                arms.push(quote!(#tag => {
                    ctx.check_element::<#ty>(#name, #idx, field.bytes()?)?;
                    #idx += 1;
                }));
            }
            (Kind::Message(ty), Some(label)) => {
                let pieces = format_ident!("__pieces_{}", base);
                decls.push(quote!(let mut #pieces = #rt::Pieces::new();));
                arms.push(quote!(#tag => { #pieces.push(field.bytes()?); }));
                if label == Label::Required {
                    after.push(quote!(
                        if #pieces.is_empty() {
                            ctx.record_missing(#name);
                        } else {
                            ctx.check_message::<#ty>(#name, #pieces.as_slice())?;
                        }
                    ));
                } else {
                    after.push(quote!(
                        if !#pieces.is_empty() {
                            ctx.check_message::<#ty>(#name, #pieces.as_slice())?;
                        }
                    ));
                }
            }
            (Kind::Map { key, value: MapValue::Message(ty) }, _) => {
                let key_kind = key.wire_key_kind();
                arms.push(quote!(#tag => {
                    ctx.check_map_entry::<#ty>(#name, #key_kind, field.bytes()?)?;
                }));
            }
            (_, Some(Label::Required)) => {
                let seen = format_ident!("__seen_{}", base);
                decls.push(quote!(let mut #seen = false;));
                arms.push(quote!(#tag => { #seen = true; }));
                after.push(quote!(if !#seen { ctx.record_missing(#name); }));
            }
            _ => {}
        }
    }
    if arms.is_empty() {
        return quote!();
    }
    quote! {
        #(#decls)*
        for piece in pieces {
            let mut reader = #rt::FieldReader::new(piece);
            while let ::core::option::Option::Some(field) = reader.next_field()? {
                match field.tag {
                    #(#arms)*
                    _ => {}
                }
            }
        }
        #(#after)*
    }
}

/// CamelCase variant identifier to the SCREAMING_SNAKE_CASE proto name: an underscore goes
/// before every upper-case letter that follows a lower-case letter or a digit.
fn screaming_snake(ident: &str) -> String {
    let mut out = String::with_capacity(ident.len() + 4);
    let mut prev: Option<char> = None;
    for c in ident.chars() {
        if c.is_ascii_uppercase() && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
        prev = Some(c);
    }
    out
}

fn variant_name_override(attrs: &[Attribute]) -> syn::Result<Option<String>> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("json")) {
        attr.parse_nested_meta(|nested| {
            if nested.path.is_ident("name") {
                name = Some(nested.value()?.parse::<syn::LitStr>()?.value());
                Ok(())
            } else {
                Err(nested.error("unknown #[json(...)] variant attribute (only `name`)"))
            }
        })?;
    }
    Ok(name)
}

fn expand_enum(input: &DeriveInput) -> syn::Result<TokenStream2> {
    if let Some(attr) = input.attrs.iter().find(|a| a.path().is_ident("json")) {
        return Err(syn::Error::new(attr.span(), "#[json(...)] is not supported on the enum itself"));
    }
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(input.span(), "derive(JsonEnum) applies to prost enumerations"));
    };
    let name = &input.ident;
    let mut consts = Vec::new();
    let mut to_name = Vec::new();
    let mut from_name = Vec::new();
    let mut seen_names = std::collections::HashSet::new();
    for (i, variant) in data.variants.iter().enumerate() {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(syn::Error::new(variant.span(), "enumeration variants carry no data"));
        }
        let ident = &variant.ident;
        let json_name = match variant_name_override(&variant.attrs)? {
            Some(n) => n,
            None => screaming_snake(&ident.to_string()),
        };
        if !seen_names.insert(json_name.clone()) {
            return Err(syn::Error::new(variant.span(), format!("duplicate JSON enum name `{json_name}`")));
        }
        let konst = format_ident!("__V{}", i);
        consts.push(quote!(const #konst: i32 = #name::#ident as i32;));
        to_name.push(quote!(#konst => ::core::option::Option::Some(#json_name),));
        from_name.push(quote!(#json_name => ::core::option::Option::Some(#name::#ident as i32),));
    }
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        #[allow(deprecated, clippy::all)]
        impl #impl_generics ::mesos_proto::json::JsonEnum for #name #ty_generics #where_clause {
            fn json_name(value: i32) -> ::core::option::Option<&'static str> {
                #(#consts)*
                match value {
                    #(#to_name)*
                    _ => ::core::option::Option::None,
                }
            }

            fn from_json_name(name: &str) -> ::core::option::Option<i32> {
                match name {
                    #(#from_name)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::screaming_snake;

    #[test]
    fn camel_to_screaming_snake() {
        assert_eq!(screaming_snake("TaskRunning"), "TASK_RUNNING");
        assert_eq!(screaming_snake("Ipv4"), "IPV4");
        assert_eq!(screaming_snake("Http2Check"), "HTTP2_CHECK");
        assert_eq!(screaming_snake("Unknown"), "UNKNOWN");
        assert_eq!(screaming_snake("GpuResources"), "GPU_RESOURCES");
    }
}

//! permscope: review the Entra ID permissions that Microsoft 365 and Azure
//! backup vendors ask a tenant to grant.
#![forbid(unsafe_code)]

pub mod clipboard;
pub mod commands;
pub mod model;
pub mod tui;

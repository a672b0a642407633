//! The domain: products, permissions, risk, filtering and output formats.
//! Nothing here knows about the terminal UI.

pub mod audit;
pub mod catalog;
pub mod columns;
pub mod compare;
pub mod document;
pub mod export;
pub mod facts;
pub mod grants;
pub mod import;
pub mod listing;
pub mod load;
pub mod microsoft;
pub mod permission;
pub mod product;
pub mod profile;
pub mod query;
pub mod report;
pub mod risk;
pub mod selection;
pub mod text;
pub mod workload;

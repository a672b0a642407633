//! The domain: products, permissions, risk, filtering and output formats.
//! Nothing here knows about the terminal UI or the command line.

pub mod advise;
pub mod audit;
pub mod catalog;
pub mod choice;
pub mod claim;
pub mod columns;
pub mod compare;
pub mod decision;
pub mod describe;
pub mod document;
pub mod equivalence;
pub mod export;
pub mod exportable;
pub mod grants;
pub mod holders;
pub mod import;
pub mod lens;
pub mod level;
pub mod listing;
pub mod microsoft;
pub mod paths;
pub mod permission;
pub mod product;
pub mod profile;
pub mod published;
pub mod query;
pub mod read;
pub mod report;
pub mod risk;
pub mod selection;
pub mod text;
pub mod workload;

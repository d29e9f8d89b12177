/**
 * Every hard limit Dynabase enforces, named, with the DynamoDB rule it reproduces.
 * Adjustable quotas live in `config.ts`; these are DynamoDB's fixed limits.
 * Relations between limits are asserted at the bottom so a careless edit fails at start-up.
 */
import { assert } from './errors.js';

const KB = 1024;
const MB = 1024 * KB;

/** Item size: UTF-8 bytes of names plus value sizes (DynamoDB developer guide, "Service quotas"). */
export const max_item_size_bytes = 400 * KB;
/** Partition key values are 1 to 2048 bytes. */
export const max_partition_key_bytes = 2048;
/** Sort key values are 1 to 1024 bytes. */
export const max_sort_key_bytes = 1024;
/** Table and index names: 3 to 255 characters of [a-zA-Z0-9_.-]. */
export const min_table_name_length = 3;
export const max_table_name_length = 255;
export const table_name_pattern = /^[a-zA-Z0-9_.-]+$/;
/** Key attribute names (and LSI non-key projections) are at most 255 bytes. */
export const max_key_attribute_name_bytes = 255;
/** Any attribute name is at most 64 KB. */
export const max_attribute_name_bytes = 64 * KB;
/** Numbers carry up to 38 significant digits. */
export const max_number_precision_digits = 38;
/** Positive magnitudes range over 1E-130 .. 9.99..9E+125 (same for negatives). */
export const min_number_exponent = -130;
export const max_number_exponent = 125;
/** Lists and maps nest at most 32 levels. */
export const max_document_depth = 32;

/** Expressions: each string at most 4 KB. */
export const max_expression_bytes = 4 * KB;
/** ExpressionAttributeNames/Values keys at most 255 bytes. */
export const max_expression_placeholder_bytes = 255;
/** All ExpressionAttributeValues together at most 2 MB. */
export const max_expression_values_bytes = 2 * MB;
/** At most 300 operators in an UpdateExpression. */
export const max_update_operators = 300;
/** At most 100 operands for IN. */
export const max_in_operands = 100;

/** Query and Scan read at most 1 MB per page, counted before the filter. */
export const max_page_read_bytes = 1 * MB;
/** BatchGetItem: 100 keys, 16 MB per response. */
export const max_batch_get_keys = 100;
export const max_batch_get_response_bytes = 16 * MB;
/** BatchWriteItem: 25 requests, 16 MB. */
export const max_batch_write_requests = 25;
export const max_batch_write_bytes = 16 * MB;
/** Transactions: 100 actions, 4 MB, tokens remembered 10 minutes. */
export const max_transaction_actions = 100;
export const max_transaction_bytes = 4 * MB;
export const transaction_token_ttl_ms = 10 * 60 * 1000;

/** LSIs: 5 per table; GSIs: 20 per table by default (adjustable, see config). */
export const max_local_secondary_indexes = 5;
/**
 * A table with LSIs holds at most 10 GB per partition-key value: its items plus their LSI entries
 * (developer guide, "Item collection size limit"). The default of the adjustable quota in config.
 */
export const max_item_collection_bytes = 10 * 1024 * MB;
/**
 * A partition holds about 10 GB of items before it splits (developer guide, "Partitions and data
 * distribution"). The default of the adjustable quota in config.
 */
export const max_partition_size_bytes = 10 * 1024 * MB;
/** INCLUDE projections: 100 non-key attributes over all of a table's indexes. */
export const max_projected_non_key_attributes = 100;

/** Tags: 50 per resource, keys 128 and values 256 characters; the `aws:` prefix is reserved. */
export const max_tags_per_resource = 50;
export const max_tag_key_length = 128;
export const max_tag_value_length = 256;

/** ListTables answers at most 100 names per page. */
export const max_list_tables_limit = 100;

/**
 * DynamoDB rejects request bodies over 16 MB at the front door (the largest legal request,
 * a BatchWriteItem, is 16 MB of items plus framing).
 */
export const max_request_body_bytes = 16 * MB + 64 * KB;

/** Capacity-unit sizes: reads are charged per 4 KB, writes per 1 KB. */
export const read_unit_bytes = 4 * KB;
export const write_unit_bytes = 1 * KB;

/** Per-partition ceilings (DynamoDB developer guide, "Partitions and data distribution"). */
export const partition_max_rcu = 3000;
export const partition_max_wcu = 1000;

/**
 * Provisioned throughput decreases per table (and per GSI) in a UTC day: the first four at any
 * time, then one more each time an hour has passed since the last (developer guide, "Quotas":
 * "Decreasing provisioned throughput", at most 27 a day; the LimitExceededException names the
 * 4 and the 3600 seconds).
 */
export const free_throughput_decreases_per_day = 4;
export const throughput_decrease_interval_ms = 60 * 60 * 1000;
/**
 * Switches from provisioned to on-demand: at most four in a rolling 24-hour window; switching
 * back to provisioned is not limited (developer guide, "Considerations when switching capacity
 * modes").
 */
export const max_on_demand_switches_per_window = 4;
export const on_demand_switch_window_ms = 24 * 60 * 60 * 1000;

assert(max_sort_key_bytes < max_partition_key_bytes, 'sort keys are shorter than partition keys');
assert(max_partition_key_bytes + max_sort_key_bytes < max_item_size_bytes, 'a key fits in an item');
assert(max_batch_write_bytes < max_request_body_bytes, 'a full batch write fits in a request body');
assert(max_expression_values_bytes < max_request_body_bytes, 'expression values fit in a request body');

/**
 * Burst capacity: DynamoDB keeps up to 300 seconds of a partition's unused read and write
 * capacity and spends it on spikes (developer guide, "Burst capacity").
 */
export const burst_bank_s = 300;
/**
 * On-demand tables (developer guide, "On-demand capacity mode"): a new table serves up to 4,000
 * write and 12,000 read request units per second, what four partitions serve at the
 * per-partition ceilings, so it starts on four partitions and its figures derive from them. It
 * instantly serves up to twice its previous peak, so the initial "previous peak" is half those
 * figures; traffic past twice the peak may throttle for up to 30 minutes while the table scales.
 */
export const on_demand_initial_partitions = 4;
export const on_demand_peak_multiplier = 2;
export const on_demand_initial_peak_wru_per_s = (on_demand_initial_partitions * partition_max_wcu) / on_demand_peak_multiplier;
export const on_demand_initial_peak_rru_per_s = (on_demand_initial_partitions * partition_max_rcu) / on_demand_peak_multiplier;
export const on_demand_scale_up_ms = 30 * 60 * 1000;

assert(partition_max_wcu < partition_max_rcu, 'a partition serves fewer writes than reads');
assert(
  Number.isInteger(on_demand_initial_peak_wru_per_s) && Number.isInteger(on_demand_initial_peak_rru_per_s),
  "a new on-demand table's initial peak is a whole number of request units",
);

-- Raw contacts as delivered, trimmed and typed; a view, so no copy of the night's rows.
{{ config(materialized='view') }}
select
    partition_date,
    source_file,
    source_line,
    trim(contact_id) as contact_id,
    trim(salutation) as salutation,
    trim(title) as title,
    trim(first_name) as first_name,
    trim(last_name) as last_name,
    trim(position) as position,
    trim(company) as company,
    trim(account_id) as account_id,
    lower(trim(email)) as email,
    trim(street) as street,
    trim(postal_code) as postal_code,
    trim(city) as city,
    trim(country) as country,
    trim(owner) as owner,
    lower(trim(owner_email)) as owner_email,
    case when lower(trim(email_opt_out)) in ('true', '1', 'yes', 'ja', 'y', 'x') then 1 else 0 end as email_opt_out,
    case when lower(trim(do_not_contact)) in ('true', '1', 'yes', 'ja', 'y', 'x') then 1 else 0 end as do_not_contact,
    trim(modified_at) as modified_at
from {{ ref('crm_contacts_raw') }}

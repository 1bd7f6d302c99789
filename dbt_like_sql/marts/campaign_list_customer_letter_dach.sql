-- Customer letter, DACH: salutation-ready company contacts in AT, DE, CH and LI, by post.
select
    partition_date,
    contact_id,
    salutation_line,
    address_block,
    company,
    position_canonical as position,
    street,
    postal_code,
    city,
    country,
    owner
from {{ ref('crm_contacts_validated') }}
where partition_date = {{ partition_date }}
  and country in ('AT', 'DE', 'CH', 'LI')
  and is_company_contact
  and not do_not_contact

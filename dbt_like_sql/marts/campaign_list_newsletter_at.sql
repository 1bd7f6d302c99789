-- Newsletter, Austria: every salutation-ready Austrian contact with an e-mail who has not opted out.
select
    partition_date,
    contact_id,
    salutation_line,
    address_block,
    titles_prenominal,
    first_name_clean as first_name,
    last_name_clean as last_name,
    titles_postnominal,
    position_canonical as position,
    company,
    email,
    street,
    postal_code,
    city,
    country,
    owner
from {{ ref('crm_contacts_validated') }}
where partition_date = {{ partition_date }}
  and country = 'AT'
  and email <> ''
  and not email_opt_out
  and not do_not_contact

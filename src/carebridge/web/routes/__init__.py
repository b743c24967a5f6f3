"""Routes by area: sign-in, scenario pages, delivery pages, the JSON API, and plotly.js; the region pages
(``pages_regions``)."""

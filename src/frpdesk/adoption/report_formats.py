"""Microsoft's documented usage report layouts, for code that writes such reports (demo data,
benchmarks). Free of Django imports so that stand-alone scripts can use it; reading reports never
relies on column order (``reports.py`` maps columns by name)."""

# getOffice365ActiveUserDetail: the columns in the documented order.
OFFICE365_ACTIVE_USER_HEADER = (
    "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,"
    "Has Exchange License,Has OneDrive License,Has SharePoint License,"
    "Has Skype For Business License,Has Yammer License,Has Teams License,"
    "Exchange Last Activity Date,OneDrive Last Activity Date,SharePoint Last Activity Date,"
    "Skype For Business Last Activity Date,Yammer Last Activity Date,Teams Last Activity Date,"
    "Exchange License Assign Date,OneDrive License Assign Date,SharePoint License Assign Date,"
    "Skype For Business License Assign Date,Yammer License Assign Date,"
    "Teams License Assign Date,Assigned Products"
)

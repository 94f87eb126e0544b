using Incidents.Contracts;

namespace Incidents.Dispatch;

/// <summary>
/// The people an escalation level found on duty (the API's people directory and rosters, docs/oncall.md) come with their
/// channels on the message, so the worker needs no copy of the directory: each is paged by e-mail and SMS (when the SMS
/// gateway is configured) under the key <c>person:{id}</c>, with receipts like any other delivery. A person with no
/// channel the worker can use gets a failed receipt saying so.
/// </summary>
public static class DirectoryRecipients
{
    public const string KeyPrefix = "person:";

    public static IEnumerable<Delivery> Plan(Notice notice, DispatchOptions settings)
    {
        foreach (var paged in notice.Paged ?? [])
        {
            var key = KeyPrefix + paged.PersonId;
            var person = new Recipient { Name = paged.Name, Email = paged.Email, Phone = paged.Mobile };
            var message = Templates.Render(notice, settings.DefaultLanguage, settings.LinkBase, settings.Zone);
            var any = false;
            if (!string.IsNullOrEmpty(paged.Email))
            {
                any = true;
                yield return new Delivery(key, person, "email", paged.Email, null, message, notice);
            }

            if (!string.IsNullOrEmpty(paged.Mobile) && !string.IsNullOrEmpty(settings.Sms.Url))
            {
                any = true;
                yield return new Delivery(key, person, "sms", paged.Mobile, null, message, notice);
            }

            if (!any)
            {
                yield return new Delivery(key, person, Delivery.Unknown, "", null, new RenderedMessage("", ""), notice);
            }
        }
    }
}
